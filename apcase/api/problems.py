"""Every refusal of the API as `application/problem+json` (RFC 9457): type, title,
status, detail, and for invalid input `errors` (field name to messages). The domain
errors of services are turned into problems here, as core.viewhelpers does for pages."""

from http import HTTPStatus
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apcase.chronology.middleware import log_denied
from apcase.core.errors import DomainError, NotPermitted, ValidationFailed

PROBLEM = "application/problem+json"
# The headers DRF gives a refusal that a client acts on: how to authenticate (401) and
# when to try again (429).
KEPT_HEADERS = ("WWW-Authenticate", "Retry-After")


def problem(
    status: int, detail: str, *, errors: dict[str, list[str]] | None = None, headers: Any = None
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status, content_type=PROBLEM, headers=headers)


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as {"marks[0].mark": ["..."]}."""
    found: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for name, value in data.items():
            if isinstance(name, int) or str(name).isdigit():
                where = f"{prefix}[{name}]"  # an item of a list
            elif name == "non_field_errors":
                where = prefix
            else:
                where = f"{prefix}.{name}" if prefix else str(name)
            found.update(_flatten(value, where))
    elif isinstance(data, list) and data and all(isinstance(v, str) for v in data):
        found.setdefault(prefix or "request", []).extend(str(v) for v in data)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.update(_flatten(value, f"{prefix}[{index}]"))
    elif data:
        found.setdefault(prefix or "request", []).append(str(data))
    return found


def _domain(error: DomainError) -> Response:
    if isinstance(error, NotPermitted):
        return problem(403, str(error))
    if isinstance(error, ValidationFailed):
        errors = {name or "request": list(messages) for name, messages in error.errors.items()}
        return problem(400, str(error), errors=errors)
    return problem(409, str(error))


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK's EXCEPTION_HANDLER."""
    if isinstance(exc, DomainError):
        return _domain(exc)
    if isinstance(exc, ObjectDoesNotExist):
        exc = Http404()
    if isinstance(exc, Http404):
        # A record named in the URL that the key may not see: logged as the pages' are.
        log_denied(context["request"]._request, exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            400, "The request is not valid.", errors=_flatten(exc.detail), headers=headers
        )
    if isinstance(exc, Http404 | DjangoPermissionDenied):
        detail = str(exc) or HTTPStatus(response.status_code).phrase
    else:
        detail = str(getattr(exc, "detail", "")) or HTTPStatus(response.status_code).phrase
    return problem(response.status_code, detail, headers=headers)
