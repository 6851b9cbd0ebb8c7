"""What an API key may be used for. Each scope belongs to one kind of organisation: an
administrator chooses among those of their organisation's kind when creating a key, and
each endpoint names the one scope it needs (docs/api.md)."""

from apcase.accounts.roles import OrganisationKind

ATTENDANCE_WRITE = "attendance:write"
CHECKINS_WRITE = "checkins:write"
PLACEMENTS_READ = "placements:read"
ATTENDANCE_READ = "attendance:read"
PUPILS_WRITE = "pupils:write"
FIGURES_READ = "figures:read"

SCOPES: dict[str, str] = {
    ATTENDANCE_WRITE: "Submit attendance registers (morning and afternoon)",
    CHECKINS_WRITE: "Record weekly engagement and wellbeing check-ins",
    PLACEMENTS_READ: "Read the school's placements",
    ATTENDANCE_READ: "Read attendance at the school's placements",
    PUPILS_WRITE: "Add and update pupils from the MIS",
    FIGURES_READ: "Read counts of children in alternative provision",
}

SCOPES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganisationKind.PROVIDER: (ATTENDANCE_WRITE, CHECKINS_WRITE),
    OrganisationKind.SCHOOL: (PLACEMENTS_READ, ATTENDANCE_READ, PUPILS_WRITE),
    OrganisationKind.LOCAL_AUTHORITY: (FIGURES_READ,),
}


def scopes_for(kind: str) -> tuple[str, ...]:
    return SCOPES_BY_KIND.get(kind, ())
