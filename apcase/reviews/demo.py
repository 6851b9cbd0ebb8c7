"""Demo reviews (invented people): Jayden Price's placement at Bridge Academy had its
review three weeks ago, with his and his mother's views, progress on each objective and
the figures since the start, and Bridge Academy has written its report for the next one;
Maya Okafor's father asked in writing for a review last week, and none has been held in
the 10 weeks before, so the named member of staff sees "review due: parent asked".
Made through the services, as a real review would be. Idempotent."""

import datetime

from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.placements.models import Placement
from apcase.pupils.models import Carer

from . import services
from .models import Decision, Progress, ProviderReport, Review, ReviewRequest

WEEK = datetime.timedelta(weeks=1)


def seed(organisations: dict[str, Organisation]) -> None:
    lead = User.objects.filter(email="inclusion.lead@heronsgate.example").first()
    if lead is None:
        return
    _held_review(lead, organisations)
    _parent_request(lead)


def _placement(first_name: str, last_name: str) -> Placement | None:
    return Placement.objects.filter(
        pupil__legal_first_name=first_name,
        pupil__legal_last_name=last_name,
        status=Placement.Status.ACTIVE,
    ).first()


def _carer(placement: Placement, name: str, relationship: str) -> Carer:
    carer, _ = Carer.objects.update_or_create(
        pupil=placement.pupil,
        name=name,
        defaults={
            "relationship": relationship,
            "parental_responsibility": True,
            "lives_with_pupil": True,
        },
    )
    return carer


def _held_review(lead: User, organisations: dict[str, Organisation]) -> None:
    placement = _placement("Jayden", "Price")
    if placement is None or Review.objects.filter(placement=placement).exists():
        return
    mother = _carer(placement, "Grace Price", "Mother")
    today = timezone.localdate()
    held_on = max(today - 3 * WEEK, placement.start_date + datetime.timedelta(days=1))
    findings = {
        objective.pk: services.ObjectiveFinding(
            Progress.SOME_PROGRESS if n == 0 else Progress.ON_TRACK,
            "Bridge Academy's register and the weekly check-ins.",
        )
        for n, objective in enumerate(placement.objectives.all())
    }
    services.hold_review(
        placement,
        by=lead,
        record=services.ReviewRecord(
            held_on=held_on,
            child_attended=True,
            carers_attended=[mother],
            provider_attended=True,
            named_staff_member_attended=True,
            views_sent_by="The educational psychologist sent a written update.",
            child_views="I like the small classes. I want to do more football.",
            parent_views="Jayden is calmer at home and gets up for school without a fight.",
            discussion="Mornings are going well; afternoons are harder after lunch. Bridge "
            "Academy will try a short break after lunch.",
            progress=findings,
            decision=Decision.CONTINUE,
            decision_reason="Good progress; the EHC needs assessment is still under way.",
            next_review_date=held_on + 6 * WEEK,
        ),
    )
    provider = organisations.get("bridge")
    writer = (
        User.objects.filter(memberships__organisation=provider).order_by("pk").first()
        if provider is not None
        else None
    )
    if writer is None or ProviderReport.objects.filter(placement=placement).exists():
        return
    services.write_provider_report(
        placement,
        by=writer,
        attendance="Present most mornings; two days off ill this fortnight.",
        behaviour="Settled in class; one walk-out after lunch on Tuesday.",
        child_said="Jayden said he is proud of his science project.",
        progress={
            pk: services.ObjectiveFinding(Progress.ON_TRACK, "Our weekly records.")
            for pk in findings
        },
    )


def _parent_request(lead: User) -> None:
    placement = _placement("Maya", "Okafor")
    if placement is None or ReviewRequest.objects.filter(placement=placement).exists():
        return
    father = _carer(placement, "Daniel Okafor", "Father")
    received = max(timezone.localdate() - WEEK, placement.start_date)
    services.record_request(
        placement, by=lead, received_on=received, carer=father, how=ReviewRequest.How.EMAIL
    )
