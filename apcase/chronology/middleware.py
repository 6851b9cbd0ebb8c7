"""Log refused attempts on records: every 404 a view raises for a record named in its URL.

The scoped selectors (`get_<thing>_for(user, id)`) answer 404 both for a record that
does not exist and for one the user may not see, so that nobody learns which ids exist.
That 404 is an attempt worth keeping: an id substituted in a pupil's URL, a former
colleague trying an old link. For a signed-in user, when a view whose URL carries record
ids (`pupil_id`, `placement_id`, `referral_id`...) raises Http404, one access-log entry
is written with outcome "denied": who, from where, which page and which ids. The user
still sees the ordinary 404 page. Reads that succeed are logged by the views themselves.
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from .models import AccessLogEntry
from .services import log_access

ACTION = "access_denied"


def _record_ids(request: HttpRequest) -> dict[str, int]:
    match = request.resolver_match
    if match is None:
        return {}
    return {
        name: value
        for name, value in match.kwargs.items()
        if name.endswith("_id") and isinstance(value, int)
    }


class DeniedAccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        log_denied(request, exception)


def log_denied(request: HttpRequest, exception: Exception) -> None:
    """The access-log entry for a 404 on a record's URL (see the module docstring). Also
    called by a view that answers the 404 itself (the REST API's problem responses)."""
    if not isinstance(exception, Http404):
        return
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    ids = _record_ids(request)
    if not ids:
        return
    assert request.resolver_match is not None  # noqa: S101 - ids came from it
    log_access(
        by=user,
        action=ACTION,
        target=(
            request.resolver_match.view_name,
            ",".join(f"{name}={value}" for name, value in ids.items())[:64],
        ),
        pupil_id=ids.get("pupil_id"),
        outcome=AccessLogEntry.Outcome.DENIED,
    )
