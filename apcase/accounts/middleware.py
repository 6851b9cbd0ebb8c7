from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .signals import SESSION_STARTED_KEY

SESSION_ENDED_KEY = "apcase_session_ended"


class SessionLifetimeMiddleware:
    """Ends a session 12 hours (SESSION_ABSOLUTE_TIMEOUT) after sign-in however busy it
    has been. Idle expiry is the session cookie age, renewed on every request."""

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
