"""The roles a membership can give, and which kind of organisation each belongs to."""

from django.db import models


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", "School"
    LOCAL_AUTHORITY = "la", "Local authority"
    PROVIDER = "provider", "Alternative provision provider"
    PLATFORM = "platform", "Platform operator"


class Role(models.TextChoices):
    INCLUSION_LEAD = "inclusion_lead", "Inclusion lead / SENCO"
    HEADTEACHER = "headteacher", "Headteacher"
    SCHOOL_DSL = "school_dsl", "Designated safeguarding lead"
    SCHOOL_STAFF = "school_staff", "School staff"
    SCHOOL_ADMIN = "school_admin", "School administrator"
    PANEL_MEMBER = "panel_member", "Panel member"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    LA_OFFICER = "la_officer", "Local authority officer"
    LA_ADMIN = "la_admin", "Local authority administrator"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    PROVIDER_MANAGER = "provider_manager", "Provider DSL / manager"
    SYSTEM_ADMIN = "system_admin", "System administrator"


ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.SCHOOL: frozenset(
        {
            Role.INCLUSION_LEAD,
            Role.HEADTEACHER,
            Role.SCHOOL_DSL,
            Role.SCHOOL_STAFF,
            Role.SCHOOL_ADMIN,
        }
    ),
    OrganisationKind.LOCAL_AUTHORITY: frozenset(
        {Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER, Role.LA_ADMIN}
    ),
    OrganisationKind.PROVIDER: frozenset({Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER}),
    OrganisationKind.PLATFORM: frozenset({Role.SYSTEM_ADMIN}),
}

# Who administers an organisation's own users.
ORGANISATION_ADMIN_ROLES = frozenset(
    {Role.SCHOOL_ADMIN, Role.HEADTEACHER, Role.LA_ADMIN, Role.PROVIDER_MANAGER}
)


def role_fits_kind(role: str, kind: str) -> bool:
    return role in ROLES_BY_KIND.get(kind, frozenset())


# Role grants that need a second person's confirmation (issue 9), and the role whose
# current holder confirms. Decided from the roles above:
# - school DSL: the only role that sees child-protection data (there is no deputy DSL
#   role); the headteacher confirms.
# - headteacher: the confirming role itself, so an admin cannot make a second account of
#   their own headteacher and confirm their own DSL grant with it; the current
#   headteacher confirms.
# - provider DSL / manager: the provider's safeguarding lead; another current provider
#   manager confirms.
# When nobody but the inviter holds the confirming role there (a new school or provider),
# an LA administrator of the organisation's local authority confirms instead.
CONFIRMING_ROLE: dict[str, str] = {
    Role.SCHOOL_DSL: Role.HEADTEACHER,
    Role.HEADTEACHER: Role.HEADTEACHER,
    Role.PROVIDER_MANAGER: Role.PROVIDER_MANAGER,
}

# Roles a system administrator may invite into anywhere: neither sees pupil data. Any
# other role only as an organisation's first administrator (see policies).
NO_PUPIL_DATA_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.LA_ADMIN})
