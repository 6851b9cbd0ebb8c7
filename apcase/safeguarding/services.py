"""Raising and handling safeguarding concerns. Each function checks permission,
validates, writes and records its audit event in one transaction.

- `raise_concern`: staff of the pupil's school or current provider; the alert is queued
  in the same transaction (apcase.safeguarding.notify).
- `add_addendum`: the account is never edited; a correction is appended.
- Handling is the school DSL's: `record_action`, `set_review_date`, `escalate` (shares
  the concern with the LA's officers); its status moves (acknowledge, close) are in
  `workflow.py`.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_case_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from apcase.core.uploads import store_upload
from apcase.pupils import registry
from apcase.pupils.models import Pupil

from . import notify, selectors
from .audit import SafeguardingAction, TransferAction
from .models import (
    ActionKind,
    ChildProtectionTransfer,
    Concern,
    ConcernAction,
    ConcernAddendum,
    ConcernAttachment,
    ConcernCategory,
    ConcernLink,
    ConcernStatus,
)

MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class ConcernReport:
    """What the reporter writes."""

    occurred_at: datetime.datetime
    category: ConcernCategory
    account: str
    body_location: str = ""
    immediate_action: str = ""
    others_involved: str = ""


def fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, {field: [message]})


def record_change(
    by: User,
    action: SafeguardingAction | TransferAction,
    record: Concern | ChildProtectionTransfer,
    summary: str,
    **changes: Any,
) -> None:
    """The audit event of a change to a concern or a transfer: against the record, its
    school and its pupil (child-protection events, the DSL's alone in the chronology)."""
    record_case_event(record, by=by, action=action, summary=summary, changes=changes or None)


def raise_concern(
    pupil: Pupil, *, by: User, report: ConcernReport, attachments: list[Any] | None = None
) -> Concern:
    organisation, placement = selectors.raising_context(by, pupil)  # 404 if not theirs
    now = timezone.now()
    if report.occurred_at > now + datetime.timedelta(minutes=5):
        raise fail("occurred_at", "The date and time of the incident must be in the past.")
    if not report.account.strip():
        raise fail("account", "Enter what was seen or disclosed.")
    if not report.category.is_active:
        raise fail("category", "Select a category.")
    files = [upload for upload in attachments or [] if upload]
    if len(files) > MAX_ATTACHMENTS:
        raise fail("attachment", f"Attach at most {MAX_ATTACHMENTS} files.")
    at_provider = organisation if organisation.pk != pupil.school_id else None
    with transaction.atomic():
        concern = Concern.objects.create(
            pupil=pupil,
            school=pupil.school,
            raised_at_provider=at_provider,
            placement=placement,
            reported_by=by,
            reporter_organisation=organisation,
            occurred_at=report.occurred_at,
            recorded_at=now,
            category=report.category,
            account=report.account.strip(),
            body_location=report.body_location.strip(),
            immediate_action=report.immediate_action.strip(),
            others_involved=report.others_involved.strip(),
        )
        for upload in files:
            path, kind, original = store_upload(upload, folder="concerns", field="attachment")
            ConcernAttachment.objects.create(
                concern=concern,
                stored_path=path,
                original_name=original,
                extension=kind.extension,
                uploaded_by=by,
                uploaded_at=now,
            )
        record_change(
            by, SafeguardingAction.CONCERN_RAISED, concern, f"Concern raised at {organisation}"
        )
        notify.alert_concern_raised(concern)
    return concern


def add_addendum(concern: Concern, *, by: User, text: str) -> ConcernAddendum:
    if not policies.can_add_to_concern(by, concern):
        raise NotPermitted("You cannot add to this concern.")
    if not text.strip():
        raise fail("text", "Enter the correction or update.")
    with transaction.atomic():
        addendum = ConcernAddendum.objects.create(
            concern=concern, text=text.strip(), written_by=by, written_at=timezone.now()
        )
        record_change(by, SafeguardingAction.CONCERN_ADDENDUM_ADDED, concern, "Addendum added")
    return addendum


def locked_for_dsl(concern: Concern, by: User) -> Concern:
    if not policies.can_handle_concern(by, concern):
        raise NotPermitted("Only the school's designated safeguarding lead can do this.")
    return Concern.objects.select_for_update().get(pk=concern.pk)


def record_action(
    concern: Concern, *, by: User, kind: str, taken_on: datetime.date, note: str
) -> ConcernAction:
    if kind not in ActionKind.values:
        raise fail("kind", "Select the action taken.")
    if taken_on > timezone.localdate():
        raise fail("taken_on", "The date of the action must be today or in the past.")
    if kind in (ActionKind.PARENTS_NOT_INFORMED, ActionKind.OTHER) and not note.strip():
        raise fail("note", "Say why parents or carers were not informed, or what was done.")
    with transaction.atomic():
        locked = locked_for_dsl(concern, by)
        if locked.status == ConcernStatus.CLOSED:
            raise TransitionNotAllowed("This concern is closed: add an addendum instead.")
        action = ConcernAction.objects.create(
            concern=locked,
            kind=kind,
            taken_on=taken_on,
            note=note.strip(),
            recorded_by=by,
            recorded_at=timezone.now(),
        )
        record_change(
            by, SafeguardingAction.CONCERN_ACTION_RECORDED, locked, ActionKind(kind).label
        )
    return action


def link_record(concern: Concern, *, by: User, record: str) -> ConcernLink:
    """Link the concern to one of its pupil's records that `by` may see ("kind:id", as
    `pupils.registry.records_of` offers them); once each."""
    with transaction.atomic():
        locked = locked_for_dsl(concern, by)
        found = registry.record_of(locked.pupil, by, record)
        if found is None:
            raise fail("record", "Select a referral or placement of this pupil.")
        if locked.links.filter(kind=found.kind, record_id=found.id).exists():
            raise fail("record", "The concern is already linked to that record.")
        link = ConcernLink.objects.create(
            concern=locked,
            kind=found.kind,
            record_id=found.id,
            label=found.label[:300],
            href=found.href,
            linked_by=by,
            linked_at=timezone.now(),
        )
        record_change(
            by, SafeguardingAction.CONCERN_LINKED, locked, f"Linked to {found.label}"[:500],
            linked=[None, found.key],
        )  # fmt: skip
    return link


def set_review_date(concern: Concern, *, by: User, review_on: datetime.date) -> None:
    with transaction.atomic():
        locked = locked_for_dsl(concern, by)
        if locked.status == ConcernStatus.CLOSED:
            raise TransitionNotAllowed("This concern is closed.")
        if review_on == locked.review_on:
            return  # saved unchanged (even once the date has passed): nothing to record
        if review_on < timezone.localdate():
            raise fail("review_on", "The review date must be today or in the future.")
        old = locked.review_on.isoformat() if locked.review_on else None
        Concern.objects.filter(pk=locked.pk).update(review_on=review_on)
        record_change(
            by, SafeguardingAction.CONCERN_REVIEW_SET, locked, "Review date set",
            review_on=[old, review_on.isoformat()],
        )  # fmt: skip


def escalate(concern: Concern, *, by: User) -> None:
    """Share the concern with the officers of the school's local authority."""
    with transaction.atomic():
        locked = locked_for_dsl(concern, by)
        if locked.escalated_at is not None:
            raise TransitionNotAllowed("This concern is already shared with the local authority.")
        Concern.objects.filter(pk=locked.pk).update(escalated_by=by, escalated_at=timezone.now())
        record_change(
            by, SafeguardingAction.CONCERN_ESCALATED, locked, "Shared with the local authority"
        )
