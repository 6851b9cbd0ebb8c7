"""The child protection file's transfer when a pupil leaves: started by the school's
DSL with where the child has gone and the day they left (due 5 school days later,
counted on the school's calendar, fail-safe: where term dates are missing every weekday
counts, so the date is never later than it should be); the file is produced as a PDF
(every concern with its addenda and actions, and the full chronology); the DSL records
when and how it was sent, then when the receiver confirmed it. Each step is an audit
event that only the DSL sees in the chronology."""

import datetime

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.selectors import pupil_chronology
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.pupils.models import Pupil
from apcase.schooldays.calculator import SchoolCalendar

from .audit import TransferAction
from .models import ChildProtectionTransfer, Concern
from .services import record_change

SCHOOL_DAYS_TO_SEND = 5  # Keeping children safe in education, Annex C


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, {field: [message]})


def _require_dsl(by: User, pupil: Pupil) -> None:
    if not policies.is_school_dsl_of(by, pupil.school):
        raise NotPermitted("Only the school's designated safeguarding lead can do this.")


def start_transfer(
    pupil: Pupil, *, by: User, destination: str, left_on: datetime.date
) -> ChildProtectionTransfer:
    _require_dsl(by, pupil)
    if not destination.strip():
        raise _fail("destination", "Enter the school or setting the child has gone to.")
    if left_on > timezone.localdate() + datetime.timedelta(days=31):
        raise _fail("left_on", "Enter the day the child left (or will leave, within a month).")
    due_by = SchoolCalendar.for_school(pupil.school).add_school_days(
        left_on, SCHOOL_DAYS_TO_SEND, fail_safe=True
    )
    with transaction.atomic():
        transfer = ChildProtectionTransfer.objects.create(
            pupil=pupil,
            school=pupil.school,
            destination=destination.strip(),
            left_on=left_on,
            due_by=due_by,
            started_by=by,
            started_at=timezone.now(),
        )
        record_change(
            by,
            TransferAction.TRANSFER_STARTED,
            transfer,
            f"To {transfer.destination}; send by {due_by:%-d %B %Y}",
        )
    return transfer


def record_sent(
    transfer: ChildProtectionTransfer, *, by: User, sent_on: datetime.date, sent_how: str
) -> None:
    _require_dsl(by, transfer.pupil)
    if sent_on > timezone.localdate():
        raise _fail("sent_on", "The date sent must be today or in the past.")
    if not sent_how.strip():
        raise _fail(
            "sent_how", "Say how it was sent securely (for example, the secure transfer service)."
        )
    with transaction.atomic():
        locked = ChildProtectionTransfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.sent_on is not None:
            raise TransitionNotAllowed("This file is already recorded as sent.")
        ChildProtectionTransfer.objects.filter(pk=locked.pk).update(
            sent_on=sent_on, sent_how=sent_how.strip(), sent_by=by
        )
        late = " (late)" if sent_on > locked.due_by else ""
        record_change(by, TransferAction.TRANSFER_SENT, locked, f"Sent {sent_on:%-d %B %Y}{late}")


def record_receipt(
    transfer: ChildProtectionTransfer, *, by: User, confirmed_on: datetime.date, confirmed_by: str
) -> None:
    _require_dsl(by, transfer.pupil)
    if confirmed_on > timezone.localdate():
        raise _fail("confirmed_on", "The date of the confirmation must be today or in the past.")
    if not confirmed_by.strip():
        raise _fail("confirmed_by", "Enter who confirmed receipt.")
    with transaction.atomic():
        locked = ChildProtectionTransfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.sent_on is None:
            raise TransitionNotAllowed("Record that the file was sent first.")
        if locked.receipt_confirmed_on is not None:
            raise TransitionNotAllowed("Receipt is already confirmed.")
        ChildProtectionTransfer.objects.filter(pk=locked.pk).update(
            receipt_confirmed_on=confirmed_on,
            receipt_confirmed_by_name=confirmed_by.strip(),
            receipt_recorded_by=by,
        )
        record_change(
            by,
            TransferAction.TRANSFER_RECEIVED,
            locked,
            f"Receipt confirmed by {confirmed_by.strip()}",
        )


def file_contents(pupil: Pupil) -> dict[str, object]:
    """What the child protection file holds: every concern at the school with its
    addenda and actions, and the whole chronology (child-protection entries included)."""
    concerns = (
        Concern.objects.filter(pupil=pupil, school=pupil.school)
        .select_related("category", "reported_by", "reporter_organisation")
        .prefetch_related("addenda__written_by", "actions__recorded_by")
        .order_by("recorded_at")
    )
    return {
        "pupil": pupil,
        "concerns": list(concerns),
        "entries": pupil_chronology(pupil.pk, include_child_protection=True),
    }
