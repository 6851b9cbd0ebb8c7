"""The panel app's background work (django-tasks, docs/adr/0010-task-queue.md)."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from .models import PanelMeeting

logger = logging.getLogger(__name__)

# How far ahead the daily pass prepares packs: the meetings of the coming week.
PACKS_AHEAD = datetime.timedelta(days=7)


def _prepare(meeting_id: int) -> str:
    from . import pack, selectors

    meeting = (
        PanelMeeting.objects.select_related("panel", "panel__local_authority", "chair")
        .filter(pk=meeting_id, status=PanelMeeting.Status.SCHEDULED)
        .first()
    )
    if meeting is None:
        return ""
    agenda = selectors.pack_agenda_of(meeting)
    try:
        _, version = pack.current(meeting, agenda)
    except pack.DamagedPack:
        # `stored` has deleted the damaged file: render the pack anew, as the next
        # download would, so one damaged file neither fails the task nor stops the
        # morning's pass before the other meetings and the past packs' deletion.
        _, version = pack.current(meeting, agenda)
    return version


@task()
def prepare_pack(meeting_id: int) -> str:
    """Render and store the pack of a scheduled meeting's agenda as it is now, if no
    pack of that version is stored (docs/adr/0013-panel-pack-stored.md); returns the
    version. A meeting no longer scheduled is left to be rendered when downloaded."""
    return _prepare(meeting_id)


@task()
def prepare_coming_packs() -> int:
    """Each morning, the packs of the week's scheduled meetings, for a change that
    reached no task (a pupil's name corrected, say), so the panel's own morning finds
    them ready, and the stored packs of past meetings deleted; returns how many
    meetings were checked. A meeting whose pack cannot be rendered is logged and left
    to its first download: it stops neither the others nor the deletion."""
    today = timezone.localdate()
    meetings = PanelMeeting.objects.filter(
        status=PanelMeeting.Status.SCHEDULED, date__gte=today, date__lte=today + PACKS_AHEAD
    ).values_list("pk", flat=True)
    ids = list(meetings)
    for meeting_id in ids:
        try:
            _prepare(meeting_id)
        except Exception:  # one meeting's failure must not stop the others, nor the deletion
            logger.exception("Could not prepare the panel pack of meeting %s", meeting_id)
    from . import pack

    pack.forget_past(today)  # past meetings' packs are not kept (pack.forget_past)
    return len(ids)


@task()
def settle_letters_due() -> int:
    """Each morning, clear the "letters may be due" flag of the decisions with none due
    (`letters.settle_letters_due`), so the LA's list of letters not sent reads only the
    few that may; returns how many were cleared."""
    from . import letters

    return letters.settle_letters_due()
