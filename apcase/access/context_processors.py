from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from apcase.accounts.models import User
from apcase.core.links import fixed_url

from . import policies


def _gias_only(user: User) -> bool:
    # The platform operator sees no directory, but imports the national GIAS file.
    return not policies.can_view_directory(user) and policies.can_import_gias_nationally(user)


# The service navigation, in order: (label, URL name, who sees it).
NAVIGATION: list[tuple[str, str, Callable[[User], bool]]] = [
    ("Pupils", "pupils:list", policies.can_view_pupils),
    ("Today's register", "monitoring:register", policies.can_take_registers),
    ("Follow-ups", "monitoring:tasks", policies.can_follow_up),
    ("Concerns", "safeguarding:list", policies.can_list_concerns),
    ("Raise a concern", "safeguarding:choose_pupil", policies.can_raise_concerns),
    ("Referrals", "referrals:list", policies.can_view_referrals),
    ("Panel", "panel:meeting_list", policies.can_view_panel),
    ("Providers", "directory:provider_list", policies.can_view_directory),
    ("GIAS import", "directory:gias_import", _gias_only),
    ("School census", "census:return", policies.can_prepare_census),
    ("Term dates", "schooldays:terms", policies.can_manage_terms),
    ("Closure days", "schooldays:closures", policies.can_manage_closure_days),
    ("Users", "organisations:list", policies.can_manage_users_somewhere),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service navigation: each signed-in, verified user sees only what they can use.
    Built once per request; each link's address is reversed once per process."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"nav_items": []}
    items = [("Home", fixed_url("home"))]
    items += [(label, fixed_url(name)) for label, name, shown in NAVIGATION if shown(user)]
    # The longest matching entry is current ("/concerns/raise/" is "Raise a concern",
    # not "Concerns").
    current = _current(request.path, [href for _, href in items])
    return {
        "nav_items": [
            {"label": label, "href": href, "current": href == current} for label, href in items
        ]
    }


def _current(path: str, hrefs: list[str]) -> str:
    matching = [href for href in hrefs if path == href or (href != "/" and path.startswith(href))]
    return max(matching, key=len, default="")
