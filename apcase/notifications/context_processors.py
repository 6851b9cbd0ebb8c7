from typing import Any

from django.http import HttpRequest

from . import centre


def unread(request: HttpRequest) -> dict[str, Any]:
    """`unread_notifications`: the signed-in, verified user's unread alerts, for the
    header's "Notifications" link, read with the account on this request (or with one
    count query where the account was read otherwise)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {}
    return {"unread_notifications": centre.header_count(user)}
