"""Reads of API keys: an administrator's keys pages, and finding the key a request
carries."""

from django.db.models import QuerySet
from django.http import Http404

from apcase.access import policies
from apcase.accounts.models import Organisation, User, hash_token
from apcase.accounts.selectors import get_managed_organisation_for
from apcase.core.queries import one_or_404

from .models import ApiKey


def get_key_organisation_for(user: User, organisation_id: int) -> Organisation:
    """The organisation, if `user` administers its API keys; 404 otherwise."""
    organisation = get_managed_organisation_for(user, organisation_id)
    if not policies.can_manage_api_keys(user, organisation):
        raise Http404("No such organisation.")
    return organisation


def keys_of(organisation: Organisation) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organisation=organisation).select_related(
        "created_by", "revoked_by"
    )


def get_key_for(user: User, organisation_id: int, key_id: int) -> ApiKey:
    organisation = get_key_organisation_for(user, organisation_id)
    return one_or_404(keys_of(organisation), key_id, "No such API key.")


def key_with_token(token: str) -> ApiKey | None:
    """The key whose hash matches, whatever its state (the caller refuses a revoked
    one); None for any other string."""
    return (
        ApiKey.objects.filter(token_hash=hash_token(token))
        .select_related("organisation", "acting_user")
        .first()
    )
