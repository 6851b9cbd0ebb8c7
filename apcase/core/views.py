"""The error pages (400, 403, 404, 500, and 503 while the database is away), wired in
config/urls.py."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apcase.core.errors import NotPermitted

# What the database driver raises when the server cannot be reached or went away.
DatabaseUnavailable = (OperationalError, InterfaceError)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A service's refusal (NotPermitted, see core.viewhelpers) says why; nothing else does.
    refusal = getattr(exception, "__cause__", None)
    reason = str(refusal) if isinstance(refusal, NotPermitted) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


# Seconds a client is asked to wait before trying again while the database is away.
DATABASE_RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or the 503 "service unavailable" page when the failure is that the
    database cannot be reached (stopped, restarting, connection lost). Django calls this
    while the exception is being handled, so `sys.exception()` is the failure. Rendered
    without context processors, the session or the database: the failure may be the
    database. The next request opens a new connection, so the service comes back by
    itself when the database does (the PostgreSQL outage drill, `make drills`)."""
    from django.template import loader

    if isinstance(sys.exception(), DatabaseUnavailable):
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
