"""Writing the audit trail. Services call `record_event` inside their own
`transaction.atomic` block, so the change and its record commit or fail together."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models, transaction
from django.utils import timezone

from apcase.core.bulk import insert_rows
from apcase.core.context import current_ip

from .actions import AuditAction, check_registered
from .models import AccessLogEntry, AuditEvent

if TYPE_CHECKING:
    from apcase.accounts.models import Organisation, User

# The shape of `changes` (see record_event): name -> [before, after].
Changes = dict[str, list[Any]]


class SchoolCase(Protocol):
    """A record about one pupil that names the school it belongs to: a referral, an
    emergency placement, a follow-up's placement..."""

    pk: int
    pupil_id: int

    @property
    def school(self) -> "Organisation": ...


class SchoolPupil(Protocol):
    """A pupil on a school's roll (pupils.Pupil), as the audit trail files it."""

    pk: int

    @property
    def school(self) -> "Organisation": ...


def _label(obj: Any) -> str:
    if obj is None:
        return ""
    email = getattr(obj, "email", "")
    name = str(obj)
    label = f"{name} <{email}>" if email and email != name else name
    # The column holds 300 characters; a 150-character name and a 254-character address
    # would not fit, and the audit write (so the user's action) would fail.
    return label[:300]


def _target_parts(target: Any) -> tuple[str, str]:
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return str(target), ""


def record_event(
    *,
    by: "User | None",
    action: AuditAction,
    target: Any,
    organisation: Any = None,
    pupil_id: int | None = None,
    changes: Changes | None = None,
    summary: str = "",
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's transaction.

    - `by` may be None only for system actions (imports run from the command line,
      scheduled jobs).
    - `action` is a member of an app's registered enum (`<app>/audit.py`, see
      `chronology.actions`); anything else, a plain string included, raises
      UnregisteredAction.
    - `target` is a model instance or a (type, id) pair.
    - `changes` has one shape everywhere: `{name: [before, after]}`, values plain JSON.
      A field that changed is `[old, new]` (`changed_fields` builds it from the
      instance); something the event created is `[None, value]` and something it removed
      `[value, None]` (`added`, `removed`); a fact the event records that is no field's
      change (the counts of an import, the address told) is `[None, value]`, as added.
      Anything else raises ValueError. Rows stored before this rule held some flat
      `{name: value}` records; the chronology reads only the names, so they still show.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside the change's transaction.")
    check_registered(action)
    _check_changes_shape(changes or {})
    target_type, target_id = _target_parts(target)
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor_id=getattr(by, "pk", None),
        actor_label=_label(by) or "system",
        organisation_id=getattr(organisation, "pk", None),
        organisation_label=str(organisation) if organisation is not None else "",
        action=action.value,
        target_type=target_type,
        target_id=target_id,
        pupil_id=pupil_id,
        summary=summary[:500],
        changes=changes or {},
        ip_address=current_ip(),
    )


@dataclass(frozen=True)
class Event:
    """One audit event of a bulk write, for `record_events`: the arguments of
    `record_event` that differ from one event to the next."""

    action: AuditAction
    target: Any
    pupil_id: int | None = None
    changes: Changes | None = None
    summary: str = ""


def record_events(
    *,
    by: "User | None",
    organisation: Any = None,
    events: Iterable[Event],
) -> int:
    """Append many audit events of one change (an import) at once (COPY on PostgreSQL,
    core.bulk), each as `record_event` would write it: the same rules (inside the
    caller's transaction, a registered action, `changes` as `{name: [before, after]}`),
    one actor, organisation, time and address for all. Every event is checked before
    any is written. How many were written."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must be called inside the change's transaction.")
    now, actor_label, ip = timezone.now(), _label(by) or "system", current_ip()
    actor_id = getattr(by, "pk", None)
    organisation_id = getattr(organisation, "pk", None)
    organisation_label = str(organisation) if organisation is not None else ""
    rows = []
    # Each action checked once, not each event; keyed by its type too, since a plain
    # string equals the member it spells (and must still be refused).
    values: dict[tuple[type, str], str] = {}
    for event in events:
        key = (type(event.action), event.action)
        value = values.get(key)
        if value is None:
            value = values[key] = check_registered(event.action).value
        _check_changes_shape(event.changes or {})
        target_type, target_id = _target_parts(event.target)
        rows.append(
            (now, actor_id, actor_label, organisation_id, organisation_label,
             value, target_type, target_id, event.pupil_id,
             event.summary[:500], event.changes or {}, ip)
        )  # fmt: skip
    return insert_rows(AuditEvent, _EVENT_FIELDS, rows)


_EVENT_FIELDS = (
    "occurred_at", "actor_id", "actor_label", "organisation_id", "organisation_label",
    "action", "target_type", "target_id", "pupil_id", "summary", "changes", "ip_address",
)  # fmt: skip


def log_access(
    *,
    by: "User | None",
    action: str,
    target: Any,
    organisation: Any = None,
    pupil_id: int | None = None,
    outcome: str = AccessLogEntry.Outcome.READ,
) -> AccessLogEntry:
    """Record that `by` read a sensitive record (or, with outcome "denied", was refused
    one: see `apcase.chronology.middleware`)."""
    target_type, target_id = _target_parts(target)
    return AccessLogEntry.objects.create(
        occurred_at=timezone.now(),
        actor_id=getattr(by, "pk", None),
        actor_label=_label(by),
        organisation_id=getattr(organisation, "pk", None),
        organisation_label=str(organisation) if organisation is not None else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        pupil_id=pupil_id,
        ip_address=current_ip(),
        outcome=outcome,
    )


def log_accesses(
    *,
    by: "User | None",
    action: str,
    targets: list[tuple[Any, int | None]],
    organisation: Any = None,
) -> list[AccessLogEntry]:
    """Record that `by` read several sensitive records at once (each a (target,
    pupil_id) pair), one row each as `log_access` writes, in one INSERT: a panel pack
    logs every referral in it without a round trip per referral."""
    now, actor_label, ip = timezone.now(), _label(by), current_ip()
    organisation_label = str(organisation) if organisation is not None else ""
    entries = []
    for target, pupil_id in targets:
        target_type, target_id = _target_parts(target)
        entries.append(
            AccessLogEntry(
                occurred_at=now,
                actor_id=getattr(by, "pk", None),
                actor_label=actor_label,
                organisation_id=getattr(organisation, "pk", None),
                organisation_label=organisation_label,
                action=action,
                target_type=target_type,
                target_id=target_id,
                pupil_id=pupil_id,
                ip_address=ip,
            )
        )
    return AccessLogEntry.objects.bulk_create(entries)


def _check_changes_shape(changes: Changes) -> None:
    for name, pair in changes.items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(
                f"changes[{name!r}] must be [before, after], not {pair!r}: see record_event."
            )


def added(values: dict[str, Any]) -> Changes:
    """{name: [None, value]}: what an event created, or a fact it records."""
    return {name: [None, _plain(value)] for name, value in values.items()}


def removed(values: dict[str, Any]) -> Changes:
    """{name: [value, None]}: what an event removed."""
    return {name: [_plain(value), None] for name, value in values.items()}


def changed_fields(instance: models.Model, new_values: dict[str, Any]) -> Changes:
    """{field: [old, new]} for each value that differs, as strings for the JSON record."""
    diff: Changes = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            diff[field] = [_plain(old), _plain(new)]
    return diff


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def record_case_event(
    case: SchoolCase,
    *,
    by: "User | None",
    action: AuditAction,
    summary: str,
    changes: Changes | None = None,
) -> AuditEvent:
    """`record_event` for a change to `case`: the event is filed under its school and its
    pupil, as every such event is."""
    return record_event(
        by=by,
        action=action,
        target=case,
        organisation=case.school,
        pupil_id=case.pupil_id,
        summary=summary,
        changes=changes,
    )


def record_pupil_event(
    pupil: SchoolPupil,
    *,
    by: "User | None",
    action: AuditAction,
    summary: str,
    target: Any = None,
    changes: Changes | None = None,
) -> AuditEvent:
    """`record_event` for a change to `pupil`'s record, or to `target` (a record of the
    pupil's: a carer, an exclusion, a placement's census details): the event is filed
    under the pupil's school and the pupil, so the school's trail and the pupil's
    chronology both show it."""
    return record_event(
        by=by,
        action=action,
        target=pupil if target is None else target,
        organisation=pupil.school,
        pupil_id=pupil.pk,
        summary=summary,
        changes=changes,
    )
