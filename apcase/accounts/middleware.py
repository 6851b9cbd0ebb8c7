from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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
