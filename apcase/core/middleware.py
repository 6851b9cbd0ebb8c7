"""Request-wide middleware: the client address for the audit trail, and no caching of
pages that may hold pupil data."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .context import reset_current_ip, set_current_ip


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind N trusted proxies, the Nth-from-last forwarded one."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    if proxies:
        forwarded: list[str] = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    remote: str | None = request.META.get("REMOTE_ADDR")
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_current_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_current_ip(token)


class NoStoreMiddleware:
    """Tell browsers and proxies not to keep any page the application renders.

    Signed-in pages hold pupil data (and the two-factor page shows the TOTP secret), so a
    shared computer's back button or disk cache, or a proxy, must not keep them:
    `Cache-Control: no-store` (with `Pragma: no-cache` for HTTP/1.0 caches) on every
    response from a view. A signed-in user's responses get it whatever the view said;
    a public page may choose its own caching. Static files are served by whitenoise
    before this middleware and keep their long-lived headers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
            if response.has_header("Expires"):
                del response["Expires"]
        return response
