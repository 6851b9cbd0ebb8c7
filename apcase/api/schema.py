"""The OpenAPI schema's parts that drf-spectacular cannot infer: how a key is sent, and
the problem responses every endpoint may give."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema

from .problems import PROBLEM
from .serializers import ProblemSerializer


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "apcase.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation's API key: `Authorization: Bearer apcase_...`.",
        }


class KeyEndpointSchema(AutoSchema):
    """Each operation's description begins with the scope its view requires
    (KeyView.required_scope): the docs name the scope the code checks, spelled once."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is not None:
            scope = f"Scope `{self.view.required_scope}`."
            operation["description"] = f"{scope} {operation.get('description', '')}".strip()
        return operation


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemSerializer, description=description)


REFUSALS: dict[Any, Any] = {
    (400, PROBLEM): _problem("The request is not valid; nothing was changed."),
    (401, PROBLEM): _problem("No API key, or one that is not valid or revoked."),
    (403, PROBLEM): _problem("The key lacks the scope, or its organisation may not do this."),
    (404, PROBLEM): _problem("No such record, or not one this key's organisation may see."),
    (405, PROBLEM): _problem("This method is not allowed here."),
    (406, PROBLEM): _problem("The API answers in JSON only."),
    (409, PROBLEM): _problem("The record's state does not allow this change."),
    (413, PROBLEM): _problem("The request is larger than the service accepts."),
    (415, PROBLEM): _problem("Send JSON (Content-Type: application/json)."),
    (429, PROBLEM): _problem("Too many requests with this key: wait as Retry-After says."),
}


def responses(ok: Any, status: int = 200) -> dict[Any, Any]:
    return {status: ok, **REFUSALS}


def endpoint(
    operation_id: str,
    tag: str,
    summary: str,
    description: str,
    *,
    ok: Any,
    request: Any = None,
    query: Any = None,
    status: int = 200,
) -> Any:
    """The schema of one endpoint: what it is for (`tag`: who uses it), what it takes
    and what it answers, with every refusal. What it takes (the body by `request`, or the
    query string by `query`) is what the method's KeyView.taken checks."""
    schema = extend_schema(
        operation_id=operation_id,
        tags=[tag],
        summary=summary,
        description=description,
        request=request,
        parameters=[query] if query is not None else None,
        responses=responses(ok, status),
    )

    def decorate(method: Callable[..., Any]) -> Any:
        # What KeyView.taken checks: the serializer the schema documents, named once.
        if request is not None:
            method.takes = (request, "data")  # type: ignore[attr-defined]
        elif query is not None:
            method.takes = (query, "query_params")  # type: ignore[attr-defined]
        return schema(method)

    return decorate
