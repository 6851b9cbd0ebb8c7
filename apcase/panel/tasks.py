"""The panel app's background work (django-tasks, docs/adr/0010-task-queue.md)."""

from django_tasks import task

from .models import PanelMeeting


@task()
def prepare_pack(meeting_id: int) -> str:
    """Render and store the pack of a scheduled meeting's agenda as it is now, if no
    pack of that version is stored (docs/adr/0013-panel-pack-stored.md); returns the
    version. A meeting no longer scheduled is left to be rendered when downloaded."""
    from . import pack, selectors

    meeting = (
        PanelMeeting.objects.select_related("panel", "panel__local_authority", "chair")
        .filter(pk=meeting_id, status=PanelMeeting.Status.SCHEDULED)
        .first()
    )
    if meeting is None:
        return ""
    _, version = pack.current(meeting, selectors.pack_agenda_of(meeting))
    return version
