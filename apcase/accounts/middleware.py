from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import LazyObject

from .signals import SESSION_STARTED_KEY

SESSION_ENDED_KEY = "apcase_session_ended"
# When the session's idle clock was last restarted (seconds since the epoch).
SESSION_RENEWED_KEY = "apcase_session_renewed_at"


class SessionIdleMiddleware:
    """Restarts a session's idle clock (its stored expiry, SESSION_COOKIE_AGE ahead)
    when the last restart is SESSION_RENEW_SECONDS old or more, rather than writing the
    session on every request: a burst of requests writes it once. The stored expiry is
    then at most SESSION_RENEW_SECONDS short of 30 minutes after the last request, so
    an idle session ends a little early, never late (docs/adr/0014)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        # No session cookie, or one whose session has ended (reading it found nothing):
        # nothing to keep alive, and no new session made for it.
        if not session.is_empty():
            renewed = session.get(SESSION_RENEWED_KEY)
            now = timezone.now().timestamp()
            stale = (
                renewed is None or not 0 <= now - float(renewed) < settings.SESSION_RENEW_SECONDS
            )
            if stale and not session.is_empty():
                # Marks the session modified: SessionMiddleware saves it with a new expiry.
                session[SESSION_RENEWED_KEY] = now
        return self.get_response(request)


class ResolvedUserMiddleware:
    """Puts the account itself on `request.user`, in place of the lazy wrappers
    django.contrib.auth and django-otp put there, once they have read and checked it.

    Both wrap the user in a `SimpleLazyObject` (django-otp's around Django's), so that
    each of the dozens of reads of `request.user` on a page (the navigation's 14
    predicates, the header, the access rule) went through two proxies: about 570 Python
    calls on every signed-in page (docs/adr/0014). Every signed-in request reads the
    user before its view anyway (SessionLifetimeMiddleware, next), so reading it here
    reads nothing more and nothing sooner than the request needs: the session's
    account, checked by Django (an inactive account, a changed password) and by
    django-otp (the device the session names, still the user's and confirmed), exactly
    as before. A request with no session gets its AnonymousUser the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if hasattr(request, "user"):
            request.user = resolved(request.user)
        return self.get_response(request)


def resolved(user: Any) -> Any:
    """`user` out of any lazy wrappers, each set up (read) on the way."""
    while isinstance(user, LazyObject):
        user.__class__  # noqa: B018 - reading any attribute sets a lazy object up
        user = user._wrapped  # type: ignore[attr-defined]  # the object a LazyObject stands for
    return user


class SessionLifetimeMiddleware:
    """Ends a session 12 hours (SESSION_ABSOLUTE_TIMEOUT) after sign-in however busy it
    has been. Idle expiry is the session cookie age, renewed by SessionIdleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            limit = settings.SESSION_ABSOLUTE_TIMEOUT
            if started is None or timezone.now().timestamp() - float(started) > limit:
                logout(request)
                # The sign-in page says why; messages cannot be added from here, which
                # runs before the messages middleware.
                request.session[SESSION_ENDED_KEY] = True
        return self.get_response(request)
