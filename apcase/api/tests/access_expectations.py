from apcase.access.testing import ALL_ROLES, Expect
from apcase.accounts.roles import OrganisationKind, Role
from apcase.api.tests.factories import make_key
from apcase.placements.tests.factories import make_placement

# The keys pages take the organisation in the URL; the walk names the world's school: its
# admins (school administrator, headteacher) reach it and get 404 for the other school,
# the LA's and the provider's admins get 404 for a school that is not theirs; a system
# administrator manages organisations, not their keys (403).
SCHOOL_ADMINS = frozenset({Role.SCHOOL_ADMIN, Role.HEADTEACHER})
OTHER_ADMINS = {Role.LA_ADMIN: 404, Role.PROVIDER_MANAGER: 404}
PROVIDER = frozenset({OrganisationKind.PROVIDER})
SCHOOL = frozenset({OrganisationKind.SCHOOL})


def _school(w, own):  # type: ignore[no-untyped-def]
    return {"organisation_id": (w.school if own else w.other_school).pk}


def _key(w, own):  # type: ignore[no-untyped-def]
    key, _token = make_key(w.school if own else w.other_school)
    return {"organisation_id": key.organisation_id, "key_id": key.pk}


def _placement(w, own):  # type: ignore[no-untyped-def]
    """A placement of the own school's pupil at the own provider (or the other pair's),
    so it is the own record of a school's key and of a provider's key alike."""
    if own:
        return {"placement_id": make_placement(w.school, w.provider).pk}
    return {"placement_id": make_placement(w.other_school, w.other_provider).pk}


# The endpoints' allowed keys reach them: an empty request to a POST endpoint, or the
# register without its date and session, is refused as not valid (400) after the key,
# its scope and the record were checked.
EXPECTATIONS = {
    "api:register": Expect(api_key=True, key_kinds=PROVIDER, ok=400),
    "api:check_ins": Expect(
        api_key=True, key_kinds=PROVIDER, kwargs=_placement, method="POST", ok=400
    ),
    "api:placements": Expect(api_key=True, key_kinds=SCHOOL),
    "api:placement_attendance": Expect(api_key=True, key_kinds=SCHOOL, kwargs=_placement),
    "api:pupils": Expect(api_key=True, key_kinds=SCHOOL, method="POST", ok=400),
    "api:figures": Expect(api_key=True, key_kinds=frozenset({OrganisationKind.LOCAL_AUTHORITY})),
    # Any other URL under /api/: 404 problem+json for any key (401 without one).
    "api:no_such_endpoint": Expect(
        api_key=True,
        key_kinds=frozenset(OrganisationKind) - {OrganisationKind.PLATFORM},
        kwargs=lambda w, own: {"rest": "v1/nothing-here/"},
        ok=404,
    ),
    "api:schema": Expect(roles=ALL_ROLES),
    "api:docs": Expect(roles=ALL_ROLES),
    "api:keys": Expect(roles=SCHOOL_ADMINS, kwargs=_school, role_status=OTHER_ADMINS),
    "api:create_key": Expect(roles=SCHOOL_ADMINS, kwargs=_school, role_status=OTHER_ADMINS),
    "api:revoke_key": Expect(
        roles=SCHOOL_ADMINS, kwargs=_key, method="POST", ok=302, role_status=OTHER_ADMINS
    ),
}
