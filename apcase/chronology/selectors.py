"""Reading the pupil's chronology: every audit event recorded against the pupil,
newest first. Callers have already established, through the pupils selectors, that the
user may see the pupil; this module only decides which kinds of event they may see."""

import datetime as dt
import functools
from dataclasses import dataclass
from datetime import datetime

from django.apps import AppConfig, apps
from django.db.models import QuerySet

from .actions import child_protection_values, lookup, registered_actions
from .models import AuditEvent
from .wording import described


@functools.cache
def _app_of(module: str) -> AppConfig | None:
    """The installed app an enum of audit actions is declared in. Installed apps do not
    change while the process runs, so each module is looked up once, not once for each
    of its actions on every chronology page."""
    return apps.get_containing_app_config(module)


def event_kinds() -> dict[str, str]:
    """The kinds a chronology can be filtered by: each app that registered audit
    actions, by its label, e.g. {"referrals": "Referrals", "safeguarding": ...}."""
    kinds = {}
    for action in registered_actions():
        app = _app_of(type(action).__module__)
        if app is not None:
            kinds[app.label] = str(app.verbose_name).capitalize()
    return dict(sorted(kinds.items(), key=lambda item: item[1]))


def _values_of_kind(kind: str) -> list[str]:
    return [
        action.value
        for action in registered_actions()
        if (app := _app_of(type(action).__module__)) is not None and app.label == kind
    ]


@dataclass(frozen=True)
class ChronologyEntry:
    occurred_at: datetime
    title: str
    who: str
    organisation: str
    changed: list[str]  # what changed, in words (`wording.described`)


def _title(event: AuditEvent) -> str:
    if event.summary:
        return event.summary
    action = lookup(event.action)
    if action is not None:
        return action.label
    # A row older than the registry whose action no app declares any more.
    words = event.action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def pupil_events(
    pupil_id: int,
    *,
    include_child_protection: bool,
    kind: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The pupil's events, newest first; `kind` (an app label from `event_kinds`) and
    the dates `since`/`until` (inclusive, local days) narrow them."""
    events = AuditEvent.objects.filter(pupil_id=pupil_id)
    if kind:
        events = events.filter(action__in=_values_of_kind(kind))
    if since is not None:
        events = events.filter(occurred_at__date__gte=since)
    if until is not None:
        events = events.filter(occurred_at__date__lte=until)
    if not include_child_protection:
        # Events whose very existence is child-protection information (DSLs only): the
        # actions their app registered as such.
        events = events.exclude(action__in=child_protection_values())
    return events.order_by("-occurred_at", "-id")


def pupil_chronology(
    pupil_id: int,
    *,
    include_child_protection: bool,
    kind: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[ChronologyEntry]:
    events = pupil_events(
        pupil_id,
        include_child_protection=include_child_protection,
        kind=kind,
        since=since,
        until=until,
    )
    return [
        ChronologyEntry(
            occurred_at=event.occurred_at,
            title=_title(event),
            who=event.actor_label.split(" <")[0] or "System",
            organisation=event.organisation_label,
            changed=described(event),
        )
        for event in events
    ]
