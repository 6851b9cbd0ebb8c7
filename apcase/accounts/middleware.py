from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .signals import SESSION_STARTED_KEY


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
                messages.info(request, "Your session has ended. Sign in again to continue.")
        return self.get_response(request)
