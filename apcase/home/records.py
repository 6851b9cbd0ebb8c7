"""Everything held about one pupil, and which records are due for a retention review.

Subject access (UK GDPR Article 15; the ICO's guidance on the right of access: answer
within one month): `everything_about(pupil)` walks every record that points at the
pupil, directly or through a record that does (a placement's marks, a referral's
documents' descriptions), plus the audit trail and access log entries about them, and
`subject_access_export` serialises it to JSON. Stored files are listed, not embedded.
Every export is itself access-logged.

Retention (IRMS Information Management Toolkit for Schools): a child protection file is
kept until the child's date of birth plus 25 years, then reviewed; attendance registers
are kept for at least 6 years (School Attendance (Pupil Registration) (England)
Regulations 2024, reg 7). `due_for_review(today)` lists what has passed those dates,
for a person to review: nothing is deleted automatically. Periods are settings
(APCASE_RETENTION_CHILD_YEARS_FROM_BIRTH, APCASE_RETENTION_REGISTER_YEARS)."""

import datetime
import json
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.models import model_to_dict

from apcase.chronology.services import log_access

if TYPE_CHECKING:
    from apcase.accounts.models import User


# Models never exported: secrets and sign-in machinery, not information about the child.
NOT_EXPORTED = {"otp_totp.TOTPDevice", "sessions.Session"}


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    return [
        rel
        for rel in model._meta.related_objects
        if (rel.one_to_many or rel.one_to_one) and rel.related_model is not None
    ]


def everything_about(pupil: Any, *, depth: int = 3) -> dict[str, list[dict[str, Any]]]:
    """Every record about the pupil, by model label: the pupil, the records pointing at
    it, and (to `depth` steps) the records pointing at those."""
    found: dict[str, dict[Any, dict[str, Any]]] = {}
    queue: deque[tuple[models.Model, int]] = deque([(pupil, 0)])
    while queue:
        record, level = queue.popleft()
        label = record._meta.label
        if label in NOT_EXPORTED or record.pk in found.setdefault(label, {}):
            continue
        found[label][record.pk] = _as_dict(record)
        if level >= depth:
            continue
        for rel in _reverse_relations(type(record)):
            related = rel.related_model._default_manager.filter(**{rel.field.name: record})
            for child in related:
                queue.append((child, level + 1))
    audit = apps.get_model("chronology", "AuditEvent")
    access = apps.get_model("chronology", "AccessLogEntry")
    for model in (audit, access):
        found[model._meta.label] = {
            row.pk: _as_dict(row) for row in model._default_manager.filter(pupil_id=pupil.pk)
        }
    return {label: list(rows.values()) for label, rows in sorted(found.items()) if rows}


def _as_dict(record: models.Model) -> dict[str, Any]:
    values = model_to_dict(record)
    for field in record._meta.concrete_fields:
        value = getattr(record, field.attname)
        if isinstance(field, models.FileField):
            value = str(value) if value else ""  # the stored file is listed, not embedded
        values[field.attname] = value
    values["pk"] = record.pk
    return {k: v for k, v in values.items() if not isinstance(v, models.Model)}


def subject_access_export(pupil: Any, *, by: "User") -> str:
    """The JSON export for a subject access request, recorded in the access log."""
    log_access(
        by=by,
        action="subject_access_export",
        target=pupil,
        organisation=pupil.school,
        pupil_id=pupil.pk,
    )
    return json.dumps(
        {
            "pupil": str(pupil),
            "exported_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "records": everything_about(pupil),
        },
        cls=DjangoJSONEncoder,
        indent=1,
        default=str,
    )


@dataclass(frozen=True)
class DueForReview:
    what: str
    count: int
    rule: str


def child_record_years() -> int:
    """For how many years from birth a child's records are kept before review."""
    return int(getattr(settings, "APCASE_RETENTION_CHILD_YEARS_FROM_BIRTH", 25))


def due_for_review(today: datetime.date) -> list[DueForReview]:
    """What has passed its retention period and needs a person to review it."""
    child_years = child_record_years()
    register_years = int(getattr(settings, "APCASE_RETENTION_REGISTER_YEARS", 6))
    pupil = apps.get_model("pupils", "Pupil")
    mark = apps.get_model("monitoring", "AttendanceMark")
    born_before = _years_before(today, child_years)
    registers_before = _years_before(today, register_years)
    return [
        DueForReview(
            "Pupils whose records have reached their review date",
            pupil._default_manager.filter(date_of_birth__lt=born_before).count(),
            f"date of birth + {child_years} years (child protection and SEND files)",
        ),
        DueForReview(
            "Register entries older than the register retention period",
            mark._default_manager.filter(date__lt=registers_before).count(),
            f"{register_years} years from the date of the entry (attendance registers)",
        ),
    ]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
