"""Panel meeting status: scheduled → held (when the first decision is recorded, or by
an LA officer) or scheduled → cancelled (only with nothing decided)."""

from django.db import transaction

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed

from .audit import PanelAction
from .models import PanelMeeting

M = PanelMeeting.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    M.SCHEDULED: frozenset({M.HELD, M.CANCELLED}),
    M.HELD: frozenset(),
    M.CANCELLED: frozenset(),
}


@transaction.atomic
def hold_meeting(meeting: PanelMeeting, *, by: User) -> PanelMeeting:
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not policies.can_record_decision(by, meeting):
        raise NotPermitted("You cannot record this meeting.")
    if M.HELD not in ALLOWED_TRANSITIONS[meeting.status]:
        raise TransitionNotAllowed(f"This meeting is {meeting.get_status_display().lower()}.")
    meeting.status = M.HELD
    meeting.save(update_fields=["status", "updated_at"])
    record_event(
        by=by,
        action=PanelAction.MEETING_HELD,
        target=meeting,
        organisation=meeting.panel.local_authority,
        changes={"status": [M.SCHEDULED, M.HELD]},
        summary=f"Panel meeting on {meeting.date:%-d %B %Y} held",
    )
    return meeting
