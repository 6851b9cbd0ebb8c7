"""Creating and revoking an organisation's API keys (docs/api.md)."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User, hash_token
from apcase.chronology.services import added, record_event
from apcase.core.errors import NotPermitted, ValidationFailed

from .audit import ApiAction
from .models import ApiKey
from .scopes import scopes_for

KEY_START = "apcase"  # the visible first part of every key
NAME_MAX = ApiKey._meta.get_field("name").max_length or 100


@dataclass(frozen=True)
class NewKey:
    """A key just created, and the key itself: shown once, never stored."""

    key: ApiKey
    token: str


def _check_details(organisation: Organisation, name: str, scopes: list[str]) -> list[str]:
    errors: dict[str | None, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Enter a name for the key, such as the system that will use it."]
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = [f"The name must be {NAME_MAX} characters or fewer."]
    allowed = scopes_for(organisation.kind)
    if not scopes:
        errors["scopes"] = ["Choose at least one thing the key may do."]
    elif set(scopes) - set(allowed):
        errors["scopes"] = [f"A key of {organisation} may only do: {', '.join(allowed)}."]
    if errors:
        raise ValidationFailed("Check the key's details.", errors)
    return [scope for scope in allowed if scope in scopes]


def create_key(*, by: User, organisation: Organisation, name: str, scopes: list[str]) -> NewKey:
    """A new key for `organisation`, acting with the role its kind gives
    (policies.API_KEY_ROLE) within `scopes`."""
    if not policies.can_manage_api_keys(by, organisation):
        raise NotPermitted("You cannot create API keys for this organisation.")
    chosen = _check_details(organisation, name, scopes)
    prefix = secrets.token_hex(6)
    token = f"{KEY_START}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        acting = User.objects.create_user(
            email=f"api-key-{prefix}@apcase.invalid",
            password=None,
            full_name=f"API key “{name.strip()}” ({organisation})"[:150],
        )
        key = ApiKey.objects.create(
            organisation=organisation,
            name=name.strip(),
            prefix=prefix,
            token_hash=hash_token(token),
            scopes=chosen,
            role=policies.API_KEY_ROLE[organisation.kind],
            acting_user=acting,
            created_by=by,
        )
        record_event(
            by=by,
            action=ApiAction.KEY_CREATED,
            target=key,
            organisation=organisation,
            changes=added({"name": key.name, "prefix": prefix, "scopes": chosen}),
            summary=f"Created API key {key.name} ({prefix}) with {', '.join(chosen)}",
        )
    return NewKey(key=key, token=token)


def revoke_key(key: ApiKey, *, by: User) -> ApiKey:
    """The key stops working at once (401); it stays listed as revoked."""
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if not policies.can_manage_api_keys(by, locked.organisation):
            raise NotPermitted("You cannot revoke this organisation's API keys.")
        if locked.revoked_at is not None:
            raise ValidationFailed("This key has already been revoked.")
        now = timezone.now()
        ApiKey.objects.filter(pk=locked.pk).update(revoked_at=now, revoked_by=by)
        User.objects.filter(pk=locked.acting_user_id).update(is_active=False)
        record_event(
            by=by,
            action=ApiAction.KEY_REVOKED,
            target=locked,
            organisation=locked.organisation,
            changes={"revoked_at": [None, now.isoformat()]},
            summary=f"Revoked API key {locked.name} ({locked.prefix})",
        )
        locked.refresh_from_db()
    return locked
