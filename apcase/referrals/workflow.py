"""Referral and emergency-placement status changes: the only code that sets `status`
or `ratification`.

Referral rules (policy: "An application for alternative provision is made by the school
to the Primary Inclusion Panel ... in writing. The panel meets monthly and decisions are
made jointly"):
- draft → submitted, only with every section complete and the headteacher's sign-off.
- submitted → scheduled on the first meeting whose cut-off it beat (panel.selectors).
- scheduled → approved / declined / deferred / more information requested, only as part
  of a recorded joint panel decision (panel.services.record_decision).
- deferred → scheduled on the next meeting; more information → back to the school,
  editable, and submitted again.
- approved / declined → closed. Withdrawn from any state before a decision.

Emergency rules ("In emergency situations, a placement may be arranged more rapidly
with appropriate documentation and risk assessment"):
- arranging one starts the placement at once and puts its ratification on the next
  meeting's agenda; awaiting → ratified or not ratified; not ratified → ended when the
  placement is ended (the school is told).
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.services import record_case_event
from apcase.core.errors import (
    NotPermitted,
    TransitionNotAllowed,
    ValidationFailed,
    check_transition,
)
from apcase.directory.selectors import provider_is_assured
from apcase.placements import notify as placement_notify
from apcase.placements import workflow as placement_workflow
from apcase.placements.models import Placement
from apcase.pupils.models import Pupil

from . import consent, notify, panels
from .audit import ReferralAction
from .models import EmergencyPlacement, Referral
from .sections import incomplete_sections
from .services import save_new_version

if TYPE_CHECKING:
    from apcase.panel.models import PanelDecision, PanelMeeting


S = Referral.Status
R = EmergencyPlacement.Ratification

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.SCHEDULED, S.WITHDRAWN}),
    # Back to submitted: its meeting was cancelled (or closed without it) and no other
    # is scheduled yet; it joins the next one scheduled.
    S.SCHEDULED: frozenset(
        {S.SUBMITTED, S.APPROVED, S.DECLINED, S.DEFERRED, S.MORE_INFORMATION, S.WITHDRAWN}
    ),
    S.DEFERRED: frozenset({S.SCHEDULED, S.WITHDRAWN}),
    S.MORE_INFORMATION: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.CLOSED}),
    S.DECLINED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

EMERGENCY_TRANSITIONS: dict[str, frozenset[str]] = {
    R.AWAITING: frozenset({R.RATIFIED, R.NOT_RATIFIED}),
    R.RATIFIED: frozenset(),
    R.NOT_RATIFIED: frozenset({R.ENDED}),
    R.ENDED: frozenset(),
}

DECISION_STATUSES = {
    "approved": S.APPROVED,
    "declined": S.DECLINED,
    "deferred": S.DEFERRED,
    "more_information": S.MORE_INFORMATION,
}
DECISION_ACTIONS = {
    S.APPROVED: ReferralAction.APPROVED,
    S.DECLINED: ReferralAction.DECLINED,
    S.DEFERRED: ReferralAction.DEFERRED,
    S.MORE_INFORMATION: ReferralAction.MORE_INFORMATION,
}


def can_withdraw(user: User, referral: Referral) -> bool:
    """May `user` withdraw the referral now (their role, and its status allows it)?"""
    return policies.can_withdraw_referral(user, referral) and (
        S.WITHDRAWN in ALLOWED_TRANSITIONS[referral.status]
    )


def can_close(user: User, referral: Referral) -> bool:
    """May `user` close the referral now (an LA officer, after the panel's decision)?"""
    return policies.can_close_referral(user, referral) and (
        S.CLOSED in ALLOWED_TRANSITIONS[referral.status]
    )


def can_end_unratified(user: User, emergency: EmergencyPlacement) -> bool:
    """May `user` end the emergency placement now (the panel did not ratify it)?"""
    return R.ENDED in EMERGENCY_TRANSITIONS[
        emergency.ratification
    ] and policies.can_end_unratified_placement(user, emergency)


def _move(
    referral: Referral,
    to: str,
    *,
    by: User,
    action: ReferralAction,
    summary: str,
    fields: dict[str, Any] | None = None,
) -> Referral:
    check_transition(
        referral,
        "status",
        to,
        ALLOWED_TRANSITIONS,
        states=S,
        refused="A referral that is {now} cannot be {to}.",
    )
    old = referral.status
    old_meeting = referral.meeting_id
    referral.status = to
    extra = fields or {}
    for name, value in extra.items():
        setattr(referral, name, value)
    changes: dict[str, Any] = {"status": [old, to]}
    if "meeting" in extra:
        changes["meeting"] = [None, str(extra["meeting"].pk) if extra["meeting"] else None]
    save_new_version(
        referral, ["status", *extra], by=by, action=action, summary=summary, changes=changes
    )
    if "meeting" in extra:
        panels.agenda_changed(old_meeting, referral.meeting_id)
    return referral


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update().select_related("school", "panel").get(pk=referral.pk)
    )


def _check_sharing(referral: Referral) -> None:
    """Without consent, a referral goes to the panel only with the lawful basis for
    sharing it, and, when a parent refused, a record of telling the parents
    (`referrals.consent`)."""
    if not referral.shared_without_consent:
        return
    problems = consent.referral_problems(referral)
    if not problems:
        return
    what = referral.get_consent_display().lower()
    missing = "; ".join(message for messages in problems.values() for message in messages)
    raise ValidationFailed(
        f"This referral cannot be submitted: {what}, so it needs the lawful basis for "
        f"sharing without consent and, where a parent refused, a record of telling the "
        f"parents. {missing}"
    )


@transaction.atomic
def submit_referral(referral: Referral, *, by: User) -> Referral:
    referral = _locked(referral)
    if not policies.can_submit_referral(by, referral):
        raise NotPermitted("You cannot submit this referral.")
    if referral.status == S.SCHEDULED or S.SUBMITTED not in ALLOWED_TRANSITIONS[referral.status]:
        raise TransitionNotAllowed(
            f"A referral that is {referral.get_status_display().lower()} cannot be submitted."
        )
    _check_sharing(referral)
    missing = incomplete_sections(referral)
    if missing:
        names = ", ".join(section.title for section in missing)
        raise ValidationFailed(f"Complete every section before submitting. Not complete: {names}.")
    if referral.signed_off_by_id is None:
        raise ValidationFailed("The headteacher must sign the referral off before it is submitted.")
    now = timezone.now()
    _move(
        referral,
        S.SUBMITTED,
        by=by,
        action=ReferralAction.SUBMITTED,
        summary=f"Referral submitted to {referral.panel}",
        fields={"submitted_at": now},
    )
    meeting = panels.meeting_for_submission(referral.panel, on=timezone.localdate(now))
    if meeting is not None:
        schedule_referral(referral, meeting=meeting, by=by)
    notify.referral_submitted(referral)
    return referral


@transaction.atomic
def schedule_referral(referral: Referral, *, meeting: "PanelMeeting", by: User) -> Referral:
    """Put a submitted (or deferred) referral on a meeting's agenda. Called by
    submission, by deferral and when an LA officer schedules a new meeting."""
    referral = _locked(referral)
    if meeting.panel_id != referral.panel_id:
        raise ValidationFailed("That meeting belongs to another panel.")
    return _move(
        referral,
        S.SCHEDULED,
        by=by,
        action=ReferralAction.SCHEDULED,
        summary=f"Referral added to the agenda of the panel meeting on {meeting.date:%-d %B %Y}",
        fields={"meeting": meeting},
    )


@transaction.atomic
def move_referral(
    referral: Referral, *, meeting: "PanelMeeting | None", by: User, why: str
) -> Referral:
    """Move a referral on a meeting's agenda that will not hear it (postponed, cancelled,
    or closed without reaching it) to `meeting`, or, with none, back to waiting for the
    next one scheduled. Called only by the panel's workflow, which checked permission."""
    referral = _locked(referral)
    if referral.status != S.SCHEDULED:
        raise TransitionNotAllowed(
            f"A referral that is {referral.get_status_display().lower()} is on no agenda."
        )
    if meeting is None:
        return _move(
            referral,
            S.SUBMITTED,
            by=by,
            action=ReferralAction.UNSCHEDULED,
            summary=f"{why} The referral waits for the next panel meeting."[:500],
            fields={"meeting": None},
        )
    if meeting.panel_id != referral.panel_id:
        raise ValidationFailed("That meeting belongs to another panel.")
    old = referral.meeting_id
    referral.meeting = meeting
    save_new_version(
        referral,
        ["meeting"],
        by=by,
        action=ReferralAction.MOVED,
        summary=f"{why} Now on the agenda of the panel meeting on {meeting.date:%-d %B %Y}."[:500],
        changes={"meeting": [str(old) if old else None, str(meeting.pk)]},
    )
    panels.agenda_changed(old, meeting.pk)
    return referral


@transaction.atomic
def withdraw_referral(referral: Referral, *, by: User, reason: str) -> Referral:
    referral = _locked(referral)
    if not policies.can_withdraw_referral(by, referral):
        raise NotPermitted("You cannot withdraw this referral.")
    if not reason.strip():
        raise ValidationFailed(
            "Enter why the referral is being withdrawn.",
            {"reason": ["Enter why the referral is being withdrawn."]},
        )
    return _move(
        referral,
        S.WITHDRAWN,
        by=by,
        action=ReferralAction.WITHDRAWN,
        summary=f"Referral withdrawn: {reason.strip()}"[:500],
        fields={
            "withdrawn_at": timezone.now(),
            "withdrawal_reason": reason.strip(),
            "meeting": None,
        },
    )


@transaction.atomic
def decide_referral(referral: Referral, *, by: User, decision: "PanelDecision") -> Referral:
    """Apply a recorded panel decision to the referral (panel.services.record_decision
    has checked membership, quorum and reasons). A deferral goes on to the next meeting
    when one is scheduled."""
    referral = _locked(referral)
    if not policies.can_record_decision(by, decision.meeting):
        raise NotPermitted("You cannot record the panel's decisions.")
    if referral.meeting_id != decision.meeting_id:
        raise ValidationFailed("This referral is not on that meeting's agenda.")
    to = DECISION_STATUSES[decision.outcome]
    meeting = decision.meeting
    _move(
        referral,
        to,
        by=by,
        action=DECISION_ACTIONS[to],
        summary=f"Panel decision on {meeting.date:%-d %B %Y}: {decision.get_outcome_display()}",
        fields={"decided_at": timezone.now()},
    )
    if to == S.DEFERRED:
        later = panels.next_meeting_after(referral.panel, day=meeting.date)
        if later is not None:
            schedule_referral(referral, meeting=later, by=by)
    return referral


@transaction.atomic
def close_referral(referral: Referral, *, by: User) -> Referral:
    referral = _locked(referral)
    if not policies.can_close_referral(by, referral):
        raise NotPermitted("You cannot close this referral.")
    return _move(
        referral,
        S.CLOSED,
        by=by,
        action=ReferralAction.CLOSED,
        summary="Referral closed",
        fields={"closed_at": timezone.now()},
    )


# --- emergency route ---------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyCase:
    """Why an emergency placement cannot wait for the panel: the risk assessment, and
    how and when the parents or carers were told. The names are the form's fields, so
    a refusal names the field to correct."""

    why_it_cannot_wait: str
    risks: str
    likelihood: str
    severity: str
    mitigations: str
    assessed_by: str
    assessed_on: datetime.date
    risk_review_on: datetime.date
    parents_told_how: str
    parents_told_at: datetime.datetime | None

    def errors(self) -> dict[str | None, list[str]]:
        errors: dict[str | None, list[str]] = {}
        for name, message in (
            ("why_it_cannot_wait", "Enter why this cannot wait for the panel."),
            ("risks", "Enter the risks."),
            ("mitigations", "Enter how the risks will be reduced."),
            ("assessed_by", "Enter who assessed the risks."),
            ("parents_told_how", "Enter how the parents or carers were told."),
        ):
            if not str(getattr(self, name) or "").strip():
                errors[name] = [message]
        if self.parents_told_at is None:
            errors["parents_told_on"] = ["Enter when the parents or carers were told."]
        elif self.parents_told_at > timezone.now():
            errors["parents_told_on"] = [
                "When the parents or carers were told cannot be in the future."
            ]
        return errors

    def review_errors(self) -> dict[str | None, list[str]]:
        if self.assessed_on and self.risk_review_on and self.risk_review_on < self.assessed_on:
            return {"risk_review_on": ["The review date must be on or after the assessment date."]}
        return {}


@transaction.atomic
def arrange_emergency_placement(
    *,
    by: User,
    pupil: Pupil,
    provider: Organisation,
    sites: list[Any],
    sessions: set[tuple[int, str]],
    named_staff_member: User,
    case: EmergencyCase,
    provider_acceptance_reason: str = "",
) -> EmergencyPlacement:
    if not policies.can_arrange_emergency_for(by, pupil):
        raise NotPermitted("You cannot arrange an emergency placement for this pupil.")
    errors = case.errors()
    errors |= placement_workflow.check_named_staff_member(named_staff_member, pupil)
    errors |= placement_workflow.check_sites(sites, provider)
    if not sessions:
        errors["sessions"] = ["Choose the half-days the pupil is at the provider."]
    errors |= case.review_errors()
    if not provider_is_assured(provider) and not provider_acceptance_reason.strip():
        errors["provider_acceptance_reason"] = [
            f"{provider} is not assured in the directory: enter why it is used."
        ]
    if errors:
        raise ValidationFailed("Check the risk assessment.", errors)
    panel = panels.panel_for_school(pupil.school)
    if panel is None:
        raise ValidationFailed("The pupil's local authority has no inclusion panel.")
    la_officer = policies.Role.LA_OFFICER in policies.roles_in(by, pupil.school.local_authority)
    arranged_by = (
        Placement.ArrangedBy.SCHOOL
        if policies.Role.HEADTEACHER in policies.roles_in(by, pupil.school) or not la_officer
        else Placement.ArrangedBy.LA
    )
    placement = placement_workflow.start_emergency_placement(
        by=by,
        pupil=pupil,
        provider=provider,
        sites=sites,
        sessions=sessions,
        named_staff_member=named_staff_member,
        commissioning=placement_workflow.Commissioning(
            arranged_by=arranged_by,
            power=(
                Placement.CommissioningPower.SCHOOL_ARRANGED
                if arranged_by == Placement.ArrangedBy.SCHOOL
                else Placement.CommissioningPower.LA_S19
            ),
        ),
    )
    today = timezone.localdate()
    meeting = panels.next_meeting_from(panel, day=today)
    emergency = EmergencyPlacement.objects.create(
        pupil=pupil,
        school=pupil.school,
        panel=panel,
        meeting=meeting,
        placement=placement,
        arranged_by=by,
        why_it_cannot_wait=case.why_it_cannot_wait.strip(),
        risks=case.risks.strip(),
        likelihood=case.likelihood,
        severity=case.severity,
        mitigations=case.mitigations.strip(),
        assessed_by=case.assessed_by.strip(),
        assessed_on=case.assessed_on,
        risk_review_on=case.risk_review_on,
        provider_acceptance_reason=provider_acceptance_reason.strip(),
        parents_told_how=case.parents_told_how.strip(),
        parents_told_at=case.parents_told_at,
    )
    panels.agenda_changed(emergency.meeting_id)
    when = f"the panel meeting on {meeting.date:%-d %B %Y}" if meeting else "the next panel meeting"
    changes: dict[str, Any] = {"ratification": [None, R.AWAITING]}
    # The emergency notice tells the LA's officers: for a placement the school arranged,
    # it is the notice placements.notify asks for, and when is kept on the placement.
    if notify.emergency_arranged(emergency) and placement_notify.needs_notice(placement):
        told = placement_notify.record_la_told(placement)
        changes["la_notified_at"] = [None, told.isoformat()]
    record_case_event(
        emergency,
        by=by,
        action=ReferralAction.EMERGENCY_ARRANGED,
        summary=f"Emergency placement at {provider} arranged; ratification at {when}",
        changes=changes,
    )
    return emergency


@transaction.atomic
def assign_emergency_to_meeting(
    emergency: EmergencyPlacement, *, meeting: "PanelMeeting", by: User
) -> None:
    """Put an emergency awaiting ratification (with no meeting yet) on an agenda."""
    if emergency.ratification != R.AWAITING or emergency.meeting_id is not None:
        raise TransitionNotAllowed("This emergency placement is already on an agenda.")
    emergency.meeting = meeting
    emergency.save(update_fields=["meeting", "updated_at"])
    panels.agenda_changed(meeting.pk)
    record_case_event(
        emergency,
        by=by,
        action=ReferralAction.EMERGENCY_RATIFICATION_SCHEDULED,
        summary=f"Ratification added to the panel meeting on {meeting.date:%-d %B %Y}",
        changes={"meeting": [None, str(meeting.pk)]},
    )


@transaction.atomic
def move_emergency(
    emergency: EmergencyPlacement, *, meeting: "PanelMeeting | None", by: User, why: str
) -> EmergencyPlacement:
    """Move an emergency awaiting ratification to `meeting` (or to no meeting: it joins
    the next one scheduled). Called only by the panel's workflow."""
    emergency = EmergencyPlacement.objects.select_for_update().get(pk=emergency.pk)
    if emergency.ratification != R.AWAITING:
        raise TransitionNotAllowed("Only a placement awaiting ratification moves meeting.")
    old = emergency.meeting_id
    emergency.meeting = meeting
    emergency.save(update_fields=["meeting", "updated_at"])
    panels.agenda_changed(old, emergency.meeting_id)
    where = (
        f"the panel meeting on {meeting.date:%-d %B %Y}" if meeting else "the next panel meeting"
    )
    record_case_event(
        emergency,
        by=by,
        action=ReferralAction.EMERGENCY_RATIFICATION_MOVED,
        summary=f"{why} Ratification now at {where}."[:500],
        changes={"meeting": [str(old) if old else None, str(meeting.pk) if meeting else None]},
    )
    return emergency


def _move_emergency(
    emergency: EmergencyPlacement, to: str, *, by: User, action: ReferralAction, summary: str
) -> EmergencyPlacement:
    check_transition(
        emergency,
        "ratification",
        to,
        EMERGENCY_TRANSITIONS,
        states=R,
        refused="An emergency placement that is {now} cannot become {to}.",
    )
    old = emergency.ratification
    emergency.ratification = to
    emergency.save(update_fields=["ratification", "updated_at"])
    record_case_event(
        emergency,
        by=by,
        action=action,
        summary=summary,
        changes={"ratification": [old, to]},
    )
    return emergency


@transaction.atomic
def ratify_emergency(
    emergency: EmergencyPlacement, *, by: User, decision: "PanelDecision"
) -> EmergencyPlacement:
    emergency = EmergencyPlacement.objects.select_for_update().get(pk=emergency.pk)
    if not policies.can_record_decision(by, decision.meeting):
        raise NotPermitted("You cannot record the panel's decisions.")
    if emergency.meeting_id != decision.meeting_id:
        raise ValidationFailed("This emergency placement is not on that meeting's agenda.")
    to = R.RATIFIED if decision.outcome == decision.Outcome.RATIFIED else R.NOT_RATIFIED
    _move_emergency(
        emergency,
        to,
        by=by,
        action=(
            ReferralAction.EMERGENCY_RATIFIED
            if to == R.RATIFIED
            else ReferralAction.EMERGENCY_NOT_RATIFIED
        ),
        summary=f"Panel on {decision.meeting.date:%-d %B %Y}: {decision.get_outcome_display()}",
    )
    if to == R.NOT_RATIFIED:
        notify.emergency_not_ratified(emergency, decision)
    return emergency


@transaction.atomic
def end_unratified_emergency(
    emergency: EmergencyPlacement, *, by: User, reason: str
) -> EmergencyPlacement:
    emergency = EmergencyPlacement.objects.select_for_update().get(pk=emergency.pk)
    if not policies.can_end_unratified_placement(by, emergency):
        raise NotPermitted("You cannot end this placement.")
    if R.ENDED not in EMERGENCY_TRANSITIONS[emergency.ratification]:
        raise TransitionNotAllowed("Only a placement the panel did not ratify is ended here.")
    placement_workflow.end_placement(
        emergency.placement,
        by=by,
        reason=f"Not ratified by the panel. {reason}".strip(),
        destination=Placement.Destination.NOT_RATIFIED,
        decided_by="The inclusion panel",
    )
    return _move_emergency(
        emergency,
        R.ENDED,
        by=by,
        action=ReferralAction.EMERGENCY_ENDED,
        summary="Unratified emergency placement ended",
    )


def is_overdue(emergency: EmergencyPlacement, *, today: datetime.date | None = None) -> bool:
    """Awaiting ratification after the meeting that should have ratified it."""
    day = today or timezone.localdate()
    if emergency.ratification != R.AWAITING:
        return False
    meeting = emergency.meeting
    return meeting is not None and meeting.date < day
