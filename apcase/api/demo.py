"""Demo API keys: one for each demo organisation (the school, the LA and both
providers), made by the organisation's demo administrator through the keys service.
Each key's secret is returned for seed_demo to print to the console, once, when it is
made: it is written nowhere else. Idempotent: an organisation that already has its
active demo key gets no other (its secret was printed when it was made; an
administrator revokes it and creates another on the keys page)."""

from apcase.accounts.models import Membership, Organisation
from apcase.accounts.roles import ORGANISATION_ADMIN_ROLES

from . import services
from .models import ApiKey
from .scopes import scopes_for

NAME = "Demo key"
ORGANISATIONS = ("school", "la", "pru", "bridge")


def seed(organisations: dict[str, Organisation]) -> list[str]:
    lines = []
    for name in ORGANISATIONS:
        organisation = organisations[name]
        existing = ApiKey.objects.filter(organisation=organisation, name=NAME, revoked_at=None)
        if key := existing.first():
            lines.append(f"  {organisation}: demo API key apcase_{key.prefix}_… (made before)")
            continue
        admin = (
            Membership.objects.filter(
                organisation=organisation, role__in=ORGANISATION_ADMIN_ROLES, is_active=True
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if admin is None:
            continue
        new = services.create_key(
            by=admin.user,
            organisation=organisation,
            name=NAME,
            scopes=list(scopes_for(organisation.kind)),
        )
        lines.append(f"  {organisation}: {new.token}")
    return lines
