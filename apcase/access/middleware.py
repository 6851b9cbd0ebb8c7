import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .rules import API_KEY, PASSWORD_ONLY, PUBLIC, SIGNED_IN, TOKEN, rule_of

logger = logging.getLogger(__name__)


class AccessRuleMiddleware:
    """The one gate every view passes: the view's declared rule, the second factor,
    then the rule's predicate. No declared rule, no page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        rule = rule_of(view_func)
        if rule is None:
            logger.error("View %s declares no access rule; refused.", view_func)
            raise PermissionDenied("This page has no access rule.")
        if rule is PUBLIC or rule is API_KEY:
            # An API view authenticates its key itself (apcase.api.authentication) and
            # answers 401 problem+json, never a redirect to the sign-in page.
            return None
        if rule is TOKEN:
            return None  # a TOKEN view checks its token itself (404 when it opens nothing)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule is PASSWORD_ONLY:
            return None
        if not user.is_verified():  # type: ignore[attr-defined]
            return redirect("accounts:two_factor")
        if rule is SIGNED_IN:
            return None
        if not callable(rule) or not rule(user):
            raise PermissionDenied
        return None
