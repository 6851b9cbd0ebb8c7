"""Reading the pupil's chronology: every audit event recorded against the pupil,
newest first. Callers have already established, through the pupils selectors, that the
user may see the pupil; this module only decides which kinds of event they may see."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from .actions import child_protection_values, lookup
from .models import AuditEvent


@dataclass(frozen=True)
class ChronologyEntry:
    occurred_at: datetime
    title: str
    who: str
    organisation: str
    changed: list[str]


def _title(event: AuditEvent) -> str:
    if event.summary:
        return event.summary
    action = lookup(event.action)
    if action is not None:
        return action.label
    # A row older than the registry whose action no app declares any more.
    words = event.action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def pupil_events(pupil_id: int, *, include_child_protection: bool) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(pupil_id=pupil_id)
    if not include_child_protection:
        # Events whose very existence is child-protection information (DSLs only): the
        # actions their app registered as such.
        events = events.exclude(action__in=child_protection_values())
    return events.order_by("-occurred_at", "-id")


def pupil_chronology(pupil_id: int, *, include_child_protection: bool) -> list[ChronologyEntry]:
    return [
        ChronologyEntry(
            occurred_at=event.occurred_at,
            title=_title(event),
            who=event.actor_label.split(" <")[0] or "System",
            organisation=event.organisation_label,
            changed=sorted(
                field.replace("_", " ")
                for field in (event.changes or {})
                if isinstance(event.changes, dict)
            ),
        )
        for event in pupil_events(pupil_id, include_child_protection=include_child_protection)
    ]
