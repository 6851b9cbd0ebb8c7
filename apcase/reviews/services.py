"""Changes to placement reviews: holding a review (with its decision), recording a
parent's written request for one, and the provider's report before it. Each checks a
named predicate of access.policies, validates, writes and records its audit event in
one transaction.

A review's decision acts through the placement's own workflow: "extend" calls
placements.workflow.extend_placement, "end" calls end_placement (with where the child
went, which must be given); "start reintegration" is recorded here and the reintegration
plan is made on its own page. A refusal of either leaves nothing written."""

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_pupil_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.placements import workflow as placement_workflow
from apcase.placements.models import Placement, PlacementObjective
from apcase.placements.services import locked_placement
from apcase.pupils.models import Carer

from . import figures, schedule
from .audit import ReviewAction
from .models import (
    Decision,
    ObjectiveProgress,
    Progress,
    ProviderObjectiveProgress,
    ProviderReport,
    Review,
    ReviewRequest,
)

Errors = dict[str | None, list[str]]

# Where a child may go when a review ends an active placement (not "not ratified" nor
# "did not start": those end placements that were never under review).
ENDING_DESTINATIONS = [
    value
    for value in Placement.Destination.values
    if value not in (Placement.Destination.NOT_RATIFIED, Placement.Destination.NOT_STARTED)
]


@dataclass(frozen=True)
class ObjectiveFinding:
    progress: str
    evidence: str


@dataclass(frozen=True)
class ReviewRecord:
    """What the person holding the review entered."""

    held_on: datetime.date | None
    child_views: str
    parent_views: str
    decision: str
    next_review_date: datetime.date | None
    progress: dict[int, ObjectiveFinding] = field(default_factory=dict)
    child_attended: bool = False
    carers_attended: list[Carer] = field(default_factory=list)
    provider_attended: bool = False
    named_staff_member_attended: bool = False
    others_attended: str = ""
    views_sent_by: str = ""
    discussion: str = ""
    decision_reason: str = ""
    new_end_date: datetime.date | None = None
    destination: str = ""
    destination_other: str = ""


def _event(
    by: User,
    action: ReviewAction,
    placement: Placement,
    target: Any,
    summary: str,
    changes: dict[str, list[Any]],
) -> None:
    record_pupil_event(
        placement.pupil,
        by=by,
        action=action,
        target=target,
        summary=summary[:500],
        changes=changes,
    )


def _check_progress(
    objectives: list[PlacementObjective], found: dict[int, ObjectiveFinding]
) -> Errors:
    errors: Errors = {}
    for objective in objectives:
        finding = found.get(objective.pk)
        if finding is None or finding.progress not in Progress.values:
            errors[f"progress_{objective.pk}"] = [f"Choose the progress on “{objective}”."]
        elif not finding.evidence.strip():
            errors[f"evidence_{objective.pk}"] = [
                f"Give the evidence of progress on “{objective}”."
            ]
    return errors


def _check_dates(placement: Placement, record: ReviewRecord, last: Review | None) -> Errors:
    today = timezone.localdate()
    held_on = record.held_on
    if held_on is None:
        return {"held_on": ["Enter the date of the review."]}
    errors: Errors = {}
    if held_on > today:
        errors["held_on"] = ["The date of the review must be today or in the past."]
    elif held_on < placement.start_date:
        errors["held_on"] = ["The review must be on or after the day the placement started."]
    elif last is not None and held_on <= last.held_on:
        errors["held_on"] = [
            f"The review must be after the last one, held on {last.held_on:%-d %B %Y}."
        ]
    nxt = record.next_review_date
    weeks = schedule.review_interval().days // 7
    if record.decision == Decision.END:
        if nxt is not None:
            errors["next_review_date"] = ["Leave the next review date empty: the placement ends."]
    elif nxt is None:
        errors["next_review_date"] = ["Enter the date of the next review."]
    elif nxt <= held_on:
        errors["next_review_date"] = ["The next review must be after this one."]
    elif nxt > held_on + schedule.review_interval():
        errors["next_review_date"] = [
            f"The next review must be within {weeks} weeks of this one "
            f"(by {held_on + schedule.review_interval():%-d %B %Y})."
        ]
    return errors


def _check_decision(by: User, placement: Placement, record: ReviewRecord) -> Errors:
    if record.decision not in Decision.values:
        return {"decision": ["Choose the review's decision."]}
    errors: Errors = {}
    changes_placement = record.decision in (Decision.EXTEND, Decision.END)
    if changes_placement and not policies.can_end_placement(by, placement):
        errors["decision"] = [
            "Only the headteacher or inclusion lead (or the local authority) can extend or "
            "end the placement: record the decision as “continue” and ask them."
        ]
    if record.decision == Decision.EXTEND:
        if record.new_end_date is None:
            errors["new_end_date"] = ["Enter the new end date."]
        if not record.decision_reason.strip():
            errors["decision_reason"] = ["Enter why the placement is extended."]
    if record.decision == Decision.END:
        if record.destination not in ENDING_DESTINATIONS:
            errors["destination"] = ["Choose where the child goes next."]
        elif record.destination == Placement.Destination.OTHER and not (
            record.destination_other.strip()
        ):
            errors["destination_other"] = ["Say where the child goes next."]
        if not record.decision_reason.strip():
            errors["decision_reason"] = ["Enter why the placement is ending."]
    return errors


def _check_record(
    by: User, placement: Placement, record: ReviewRecord, last: Review | None
) -> None:
    errors: Errors = {}
    if not record.child_views.strip():
        errors["child_views"] = ["Enter the child's views (or why they could not be given)."]
    if not record.parent_views.strip():
        errors["parent_views"] = [
            "Enter the parents' or carers' views (or why they could not be given)."
        ]
    if any(carer.pupil_id != placement.pupil_id for carer in record.carers_attended):
        errors["carers_attended"] = ["Choose the pupil's own parents or carers."]
    objectives = list(PlacementObjective.objects.filter(placement=placement))
    errors |= _check_progress(objectives, record.progress)
    errors |= _check_dates(placement, record, last)
    errors |= _check_decision(by, placement, record)
    if errors:
        raise ValidationFailed("Check the review.", errors)


@transaction.atomic
def hold_review(placement: Placement, *, by: User, record: ReviewRecord) -> Review:
    """Record a review that was held, with the figures for its period and its decision."""
    placement = locked_placement(placement)
    if not policies.can_manage_reviews(by, placement):
        raise NotPermitted("You cannot hold a review of this placement.")
    if placement.status != Placement.Status.ACTIVE:
        raise ValidationFailed("Only an active placement is reviewed.")
    last = Review.objects.filter(placement=placement).order_by("-held_on", "-pk").first()
    _check_record(by, placement, record, last)
    assert record.held_on is not None  # noqa: S101 - _check_record refused it otherwise
    held_on = record.held_on
    start = figures.period_start(placement, last.held_on if last else None)
    found = figures.period_figures(placement, start, held_on)
    review = Review.objects.create(
        placement=placement,
        held_on=held_on,
        child_attended=record.child_attended,
        carers_attended_names=", ".join(str(c) for c in record.carers_attended),
        provider_attended=record.provider_attended,
        named_staff_member_attended=record.named_staff_member_attended,
        others_attended=record.others_attended.strip(),
        views_sent_by=record.views_sent_by.strip(),
        child_views=record.child_views.strip(),
        parent_views=record.parent_views.strip(),
        discussion=record.discussion.strip(),
        # The period's figures as they stand today, each under its own name on the review.
        **asdict(found),
        decision=record.decision,
        decision_reason=record.decision_reason.strip(),
        new_end_date=record.new_end_date if record.decision == Decision.EXTEND else None,
        destination=record.destination if record.decision == Decision.END else "",
        destination_other=record.destination_other.strip()[:200]
        if record.decision == Decision.END and record.destination == Placement.Destination.OTHER
        else "",
        next_review_date=record.next_review_date,
        held_by=by,
    )
    review.carers_attended.set(record.carers_attended)
    objectives = PlacementObjective.objects.filter(placement=placement)
    ObjectiveProgress.objects.bulk_create(
        ObjectiveProgress(
            review=review,
            objective=objective,
            objective_text=objective.what,
            progress=record.progress[objective.pk].progress,
            evidence=record.progress[objective.pk].evidence.strip(),
        )
        for objective in objectives
    )
    _event(
        by,
        ReviewAction.HELD,
        placement,
        review,
        f"Placement review held on {held_on:%-d %B %Y}",
        {"held_on": [None, held_on.isoformat()]},
    )
    _event(
        by,
        ReviewAction.DECISION,
        placement,
        review,
        f"Review decision: {review.get_decision_display()}"
        + (f": {review.decision_reason}" if review.decision_reason else ""),
        {"decision": [None, review.decision]},
    )
    if record.next_review_date is not None:
        _event(
            by,
            ReviewAction.SCHEDULED,
            placement,
            review,
            f"Next placement review on {record.next_review_date:%-d %B %Y}",
            {"next_review_date": [None, record.next_review_date.isoformat()]},
        )
    if record.decision == Decision.EXTEND:
        placement_workflow.extend_placement(
            placement, by=by, new_end_date=record.new_end_date, reason=review.decision_reason
        )
    elif record.decision == Decision.END:
        placement_workflow.end_placement(
            placement,
            by=by,
            reason=review.decision_reason,
            ended_on=held_on,
            destination=record.destination,
            destination_other=record.destination_other,
            decided_by=f"Placement review of {held_on:%-d %B %Y}",
        )
    return review


@transaction.atomic
def record_request(
    placement: Placement,
    *,
    by: User,
    received_on: datetime.date | None,
    carer: Carer | None,
    how: str,
) -> ReviewRequest:
    """A parent's or carer's written request for a review meeting."""
    placement = locked_placement(placement)
    if not policies.can_manage_reviews(by, placement):
        raise NotPermitted("You cannot record requests for reviews of this placement.")
    if placement.status != Placement.Status.ACTIVE:
        raise ValidationFailed("Only an active placement is reviewed.")
    errors: Errors = {}
    if received_on is None:
        errors["received_on"] = ["Enter the date the request was received."]
    elif received_on > timezone.localdate():
        errors["received_on"] = ["The date the request was received must be today or earlier."]
    elif received_on < placement.start_date:
        errors["received_on"] = ["The request must be on or after the day the placement started."]
    if carer is None or carer.pupil_id != placement.pupil_id:
        errors["carer"] = ["Choose which of the pupil's parents or carers asked."]
    if how not in ReviewRequest.How.values:
        errors["how"] = ["Choose how the request was made in writing."]
    if errors or received_on is None or carer is None:
        raise ValidationFailed("Check the request.", errors)
    request = ReviewRequest.objects.create(
        placement=placement,
        received_on=received_on,
        carer=carer,
        from_name=str(carer)[:200],
        how=how,
        recorded_by=by,
    )
    _event(
        by,
        ReviewAction.REQUESTED,
        placement,
        request,
        f"{carer.name} asked in writing for a review ({request.get_how_display().lower()}, "
        f"received {received_on:%-d %B %Y})",
        {"received_on": [None, received_on.isoformat()], "how": [None, how]},
    )
    return request


@transaction.atomic
def write_provider_report(
    placement: Placement,
    *,
    by: User,
    attendance: str,
    behaviour: str,
    child_said: str,
    progress: dict[int, ObjectiveFinding],
) -> ProviderReport:
    """The provider's report for the next review."""
    placement = locked_placement(placement)
    if not policies.can_write_provider_report(by, placement):
        raise NotPermitted("You cannot write a report on this placement.")
    objectives = list(PlacementObjective.objects.filter(placement=placement))
    errors = _check_progress(objectives, progress)
    for name, value, message in (
        ("attendance", attendance, "Say what attendance you recorded."),
        ("behaviour", behaviour, "Describe the child's behaviour."),
        ("child_said", child_said, "Say what the child said (or why they did not)."),
    ):
        if not value.strip():
            errors[name] = [message]
    if errors:
        raise ValidationFailed("Check the report.", errors)
    report = ProviderReport.objects.create(
        placement=placement,
        attendance=attendance.strip(),
        behaviour=behaviour.strip(),
        child_said=child_said.strip(),
        written_by=by,
    )
    ProviderObjectiveProgress.objects.bulk_create(
        ProviderObjectiveProgress(
            report=report,
            objective=objective,
            objective_text=objective.what,
            progress=progress[objective.pk].progress,
            evidence=progress[objective.pk].evidence.strip(),
        )
        for objective in objectives
    )
    _event(
        by,
        ReviewAction.PROVIDER_REPORT,
        placement,
        report,
        f"{placement.provider} wrote its report for the next review",
        {"provider_report": [None, report.pk]},
    )
    return report
