"""API keys for tests, made through the service as an administrator would."""

from typing import Any

from apcase.access.policies import API_KEY_ROLE
from apcase.accounts.roles import OrganisationKind, Role
from apcase.api import services
from apcase.api.scopes import scopes_for
from apcase.referrals.tests.factories import person

ADMIN_OF_KIND = {
    OrganisationKind.SCHOOL: Role.SCHOOL_ADMIN,
    OrganisationKind.PROVIDER: Role.PROVIDER_MANAGER,
    OrganisationKind.LOCAL_AUTHORITY: Role.LA_ADMIN,
}
assert set(ADMIN_OF_KIND) == set(API_KEY_ROLE)


def make_key(organisation: Any, scopes: list[str] | None = None, name: str = "Test system"):  # type: ignore[no-untyped-def]
    """(key, token) for `organisation`, with every scope of its kind unless given."""
    admin = person(ADMIN_OF_KIND[organisation.kind], organisation)
    new = services.create_key(
        by=admin,
        organisation=organisation,
        name=name,
        scopes=list(scopes_for(organisation.kind)) if scopes is None else scopes,
    )
    return new.key, new.token


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
