from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from . import policies


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service navigation: each signed-in, verified user sees only what they can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"nav_items": []}
    items = [("Home", reverse("home"))]
    if policies.can_view_pupils(user):
        items.append(("Pupils", reverse("pupils:list")))
    if policies.can_take_registers(user):
        items.append(("Today's register", reverse("monitoring:register")))
    if policies.can_follow_up(user):
        items.append(("Follow-ups", reverse("monitoring:tasks")))
    if policies.can_list_concerns(user):
        items.append(("Concerns", reverse("safeguarding:list")))
    if policies.can_raise_concerns(user):
        items.append(("Raise a concern", reverse("safeguarding:choose_pupil")))
    if policies.can_view_referrals(user):
        items.append(("Referrals", reverse("referrals:list")))
    if policies.can_view_panel(user):
        items.append(("Panel", reverse("panel:meeting_list")))
    if policies.can_view_directory(user):
        items.append(("Providers", reverse("directory:provider_list")))
    elif policies.can_import_gias_nationally(user):
        # The platform operator sees no directory, but imports the national GIAS file.
        items.append(("GIAS import", reverse("directory:gias_import")))
    if policies.can_manage_terms(user):
        items.append(("Term dates", reverse("schooldays:terms")))
    if policies.can_manage_closure_days(user):
        items.append(("Closure days", reverse("schooldays:closures")))
    if policies.can_manage_users_somewhere(user):
        items.append(("Users", reverse("organisations:list")))
    path = request.path
    return {
        "nav_items": [
            {
                "label": label,
                "href": href,
                "current": path == href or (href != "/" and path.startswith(href)),
            }
            for label, href in items
        ]
    }
