"""How an API request is let in: its key (401), its key's scope and the endpoint's
named predicate (403), its key's rate (429). Each use of a key is access-logged.

The key acts as its own account (`ApiKey.acting_user`) holding the key's role in the
key's organisation: that membership is not stored (the key is nobody's colleague and is
sent no messages), it is given to the access policies for the length of the request
(`policies.remember_memberships`), so every selector and predicate sees the key as the
member of staff it stands in for, and nothing more."""

from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from apcase.access import policies
from apcase.accounts.models import Membership, Organisation, User
from apcase.chronology.services import log_access

from .models import ApiKey
from .selectors import key_with_token

SCHEME = "Bearer"
NOT_VALID = "The API key is missing, not valid or revoked."
USE_ACTION = "api_request"


def _token_of(request: Any) -> str | None:
    header = get_authorization_header(request).split()
    if len(header) != 2 or header[0].decode("latin-1").lower() != SCHEME.lower():
        return None
    try:
        return str(header[1].decode("ascii"))
    except UnicodeDecodeError:
        return None


def _key_membership(key: ApiKey) -> Membership:
    user = key.acting_user
    return Membership(user=user, organisation=key.organisation, role=key.role, is_active=True)


def memberships_of_key_account(user: User) -> list[Membership] | None:
    """The role a key's account holds now: the key's while the key is usable (not
    revoked, its organisation open), none once it is not; None for any other user."""
    key = (
        ApiKey.objects.select_related("organisation", "acting_user")
        .filter(acting_user=user)
        .first()
    )
    if key is None:
        return None
    return [_key_membership(key)] if _usable(key) else []


def _usable(key: ApiKey | None) -> bool:
    return (
        key is not None
        and key.revoked_at is None
        and key.acting_user.is_active
        and key.organisation.status == Organisation.Status.OPEN
    )


def _log_use(request: Any, key: ApiKey) -> None:
    match = request._request.resolver_match
    route = match.view_name if match is not None else request.path
    log_access(
        by=key.acting_user,
        action=f"{USE_ACTION} {request.method} {route}"[:80],
        target=key,
        organisation=key.organisation,
    )


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[User, ApiKey]:
        token = _token_of(request)
        key = key_with_token(token) if token else None
        if key is None or not _usable(key):
            raise exceptions.AuthenticationFailed(NOT_VALID)
        user = key.acting_user
        policies.remember_memberships(user, [_key_membership(key)])
        now = timezone.now()
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        _log_use(request, key)
        return user, key

    def authenticate_header(self, request: Any) -> str:
        return f'{SCHEME} realm="apcase"'


class KeyHasScope(BasePermission):
    """The view's `required_scope` among the key's scopes, and the view's `policy` (a
    named predicate of apcase.access.policies) true of the key's account."""

    def has_permission(self, request: Any, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            raise exceptions.NotAuthenticated(NOT_VALID)
        scope = view.required_scope
        if scope not in key.scopes:
            raise exceptions.PermissionDenied(f"This API key does not have the scope {scope}.")
        if not view.policy(request.user):
            raise exceptions.PermissionDenied(
                f"A key of {key.organisation} cannot use this endpoint."
            )
        return True


class KeyRateThrottle(SimpleRateThrottle):
    """APCASE_API_RATE requests per key, counted in the cache (one count per key,
    whichever address it calls from)."""

    scope = "api_key"

    def get_rate(self) -> str:
        return str(settings.APCASE_API_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        key = request.auth
        if not isinstance(key, ApiKey):
            return None
        return f"apcase-api-rate-{key.prefix}"
