"""Refuse a request that is too large before its body is read.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count file fields, and FILE_UPLOAD_MAX_
MEMORY_SIZE only decides when an upload spills to a temporary file: without this, a
multipart body of any size is streamed to disk before a form can say "too large".
This middleware runs first and answers 413, with a page saying the limit, when the
declared Content-Length is above the limit for that URL. The WSGI server hands Django
at most Content-Length bytes, so a body cannot be larger than it claims; a body with
no length is read as empty.

Limits (settings, appended at the end of config/settings/base.py):
- APCASE_REQUEST_MAX_BYTES: every request; the upload limit plus a margin for the
  other form fields and the multipart framing.
- APCASE_REQUEST_MAX_BYTES_FOR: larger limits for named URLs (the GIAS import takes the
  whole extract for an authority).
"""

import json as jsonlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import Resolver404, resolve

DEFAULT_MAX_BYTES = 11 * 1024 * 1024


def request_limit_for(path: str) -> int:
    """The largest body, in bytes, a request to this path may declare."""
    limit = int(getattr(settings, "APCASE_REQUEST_MAX_BYTES", DEFAULT_MAX_BYTES))
    overrides: dict[str, int] = getattr(settings, "APCASE_REQUEST_MAX_BYTES_FOR", {})
    if overrides:
        try:
            match = resolve(path)
        except Resolver404:
            return limit
        limit = int(overrides.get(match.view_name, limit))
    return limit


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except (TypeError, ValueError):
        return 0  # Django reads a body with an unreadable length as empty


def readable_size(limit: int) -> str:
    """Whole megabytes, or kilobytes below one megabyte (never "0 MB")."""
    megabyte = 1024 * 1024
    return f"{limit // megabyte} MB" if limit >= megabyte else f"{max(limit // 1024, 1)} KB"


def too_large_response(limit: int, *, json: bool = False) -> HttpResponse:
    """The 413 page; for a JSON request (the REST API) the same refusal as
    application/problem+json (RFC 9457), the shape every API refusal has."""
    if json:
        detail = f"The request must be smaller than {readable_size(limit)}."
        problem = {"type": "about:blank", "title": "Content Too Large", "status": 413}
        response = HttpResponse(
            jsonlib.dumps({**problem, "detail": detail}),
            status=413,
            content_type="application/problem+json",
        )
        response["Cache-Control"] = "no-store"
        return response
    # Rendered without context processors: the request has not been through the
    # session or authentication middleware, and its body must not be read.
    page = loader.get_template("413.html").render({"size": readable_size(limit)})
    response = HttpResponse(page, status=413)
    # No "Connection: close": WSGI forbids hop-by-hop headers from the application; the
    # server deals with the unread body (it is not read into Django, nor onto disk).
    response["Cache-Control"] = "no-store"
    return response


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if length:
            limit = request_limit_for(request.path_info)
            if length > limit:
                json = request.content_type == "application/json"
                return too_large_response(limit, json=json)
        return self.get_response(request)
