"""The declared expectation table of the URL-walk access test (tests/access).

Each app lists every URL name it serves in `apcase/<app>/tests/access_expectations.py`
as `EXPECTATIONS = {url_name: Expect(...)}`. The walk fails if a URL pattern of the
project has no entry, so a new page cannot ship without a declared rule."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apcase.accounts.roles import Role

ALL_ROLES = frozenset(Role.values)
NO_ROLES: frozenset[str] = frozenset()
SCHOOL_ROLES = frozenset(
    {
        Role.INCLUSION_LEAD,
        Role.HEADTEACHER,
        Role.SCHOOL_DSL,
        Role.SCHOOL_STAFF,
        Role.SCHOOL_ADMIN,
    }
)
LA_ROLES = frozenset({Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER, Role.LA_ADMIN})
PROVIDER_ROLES = frozenset({Role.PROVIDER_STAFF, Role.PROVIDER_MANAGER})
ORG_ADMIN_ROLES = frozenset(
    {Role.SCHOOL_ADMIN, Role.HEADTEACHER, Role.LA_ADMIN, Role.PROVIDER_MANAGER}
)

# builder(world, own=True) -> URL kwargs for an object of the user's own organisation;
# own=False -> kwargs for the same kind of object belonging to another organisation.
KwargsBuilder = Callable[[Any, bool], dict[str, Any]]


@dataclass(frozen=True)
class Expect:
    """What the walk should see for one URL name.

    public:   anonymous users get the page (no sign-in redirect).
    password_only: the page is for a signed-in user before the second factor.
    roles:    roles that get the page (status `ok`) for their own organisation's object;
              every other signed-in role gets 403, or `denied` if the view answers 404.
    kwargs:   builds URL arguments; when given, allowed roles asking for another
              organisation's object get 404.
    method:   "GET", or "POST" for action-only URLs (GET then answers 405).
    ok:       the status an allowed request gets (200, or 302 for an action).
    api_key:  an endpoint of the REST API (rule API_KEY): anonymous requests and every
              session (password only, or any role's) get 401 problem+json; instead of
              roles, a key of each kind of organisation (with every scope of its kind)
              is walked: a kind in `key_kinds` gets `ok` for its own organisation's
              record (404 for another's), any other kind 403.
    """

    public: bool = False
    password_only: bool = False
    roles: frozenset[str] = NO_ROLES
    kwargs: KwargsBuilder | None = None
    method: str = "GET"
    ok: int = 200
    denied: int = 403
    role_status: dict[str, int] = field(default_factory=dict)
    note: str = ""
    api_key: bool = False
    key_kinds: frozenset[str] = frozenset()
