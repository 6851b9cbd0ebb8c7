"""A demo reintegration plan under way at the Milton Keynes PRU (invented people): three
weeks part time (three mornings at Heronsgate, two at the PRU, the rest C2), agreed by
the mother the child lives with (added to the pupil if the pupils demo gave none); then three weeks of mornings at school and afternoons
at the PRU; then two weeks full time at school. The first review has been held (on
track); the second is today, on the inclusion lead's home page. Idempotent: a placement that already has a plan gets no other."""

import datetime

from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.placements.models import Placement
from apcase.pupils.models import Carer

from . import services, workflow
from .models import AgreedHow, ReintegrationPlan

MORNINGS = {f"{day}-am" for day in range(5)}
AFTERNOONS = {f"{day}-pm" for day in range(5)}


def seed(organisations: dict[str, Organisation]) -> None:
    _under_way(organisations)
    _draft(organisations)


def _unplanned(provider: Organisation | None, **filters: object) -> tuple[User, Placement] | None:
    """Heronsgate's inclusion lead and the provider's first active placement (matching
    `filters`), when both exist and the placement has no plan yet: each demo plan is
    made once."""
    lead = User.objects.filter(email="inclusion.lead@heronsgate.example").first()
    placement = (
        Placement.objects.filter(provider=provider, status=Placement.Status.ACTIVE, **filters)
        .select_related("pupil", "pupil__school")
        .order_by("pk")
        .first()
    )
    if lead is None or placement is None:
        return None
    if ReintegrationPlan.objects.filter(placement=placement).exists():
        return None
    return lead, placement


def _draft(organisations: dict[str, Organisation]) -> None:
    found = _unplanned(organisations.get("bridge"), is_emergency=False)
    if found is None:
        return
    lead, placement = found
    start = timezone.localdate() + datetime.timedelta(days=7)
    plan = services.create_plan(
        placement,
        by=lead,
        named_adult=placement.named_staff_member or lead,
        start_date=start,
        target_full_time_date=start + datetime.timedelta(weeks=4),
        support_strategies="A quiet start in the nurture room; lunch with a buddy.",
    )
    services.add_phase(
        plan,
        by=lead,
        from_week=1,
        to_week=2,
        at_school=MORNINGS,
        at_provider={"0-pm", "1-pm", "2-pm"},
    )
    services.add_phase(
        plan, by=lead, from_week=3, to_week=4, at_school=MORNINGS | AFTERNOONS, at_provider=set()
    )
    services.add_review_point(plan, by=lead, date=start + datetime.timedelta(weeks=1))


def _under_way(organisations: dict[str, Organisation]) -> None:
    found = _unplanned(organisations.get("pru"))
    if found is None:
        return
    lead, placement = found
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=2)
    plan = services.create_plan(
        placement,
        by=lead,
        named_adult=lead,
        start_date=start,
        target_full_time_date=start + datetime.timedelta(weeks=8),
        support_strategies=placement.pupil.pronouns.fill(
            "Meets {his} key adult at the gate each morning; a quiet room at "
            "break; the PRU's mentor visits Heronsgate in week 3."
        ),
        success_measures=placement.pupil.pronouns.fill(
            "Attends every agreed session; no removals from class; says {he} "
            "feel{s} safe in class at each review."
        ),
    )
    services.add_phase(
        plan,
        by=lead,
        from_week=1,
        to_week=3,
        at_school={"0-am", "1-am", "2-am"},
        at_provider={"3-am", "4-am"},
    )
    services.add_phase(
        plan, by=lead, from_week=4, to_week=6, at_school=MORNINGS, at_provider=AFTERNOONS
    )
    services.add_phase(
        plan, by=lead, from_week=7, to_week=8, at_school=MORNINGS | AFTERNOONS, at_provider=set()
    )
    carer = placement.pupil.carers.filter(lives_with_pupil=True).order_by("priority").first()
    if carer is None:
        carer = Carer.objects.create(
            pupil=placement.pupil,
            name=f"Ngozi {placement.pupil.legal_last_name}",
            relationship="Mother",
            parental_responsibility=True,
            lives_with_pupil=True,
            phone="07700 900417",
            preferred_contact_method="phone",
        )
    services.record_agreement(
        plan,
        by=lead,
        agreed_by=carer,
        agreed_on=start - datetime.timedelta(days=3),
        agreed_how=AgreedHow.MEETING,
        agreed_times="Weeks 1 to 3: Monday to Wednesday 8:50 to 12:00 at Heronsgate; "
        "Thursday and Friday 9:00 to 12:00 at the PRU; afternoons at home with mum.",
        part_time_ends_on=start + datetime.timedelta(weeks=3, days=-1),
    )
    first = services.add_review_point(plan, by=lead, date=start + datetime.timedelta(weeks=1))
    services.add_review_point(plan, by=lead, date=today)  # due: on the home page
    services.add_review_point(plan, by=lead, date=start + datetime.timedelta(weeks=5))
    workflow.activate(plan, by=lead)
    services.record_progress(
        first,
        by=lead,
        progress="on_track",
        note="Every agreed morning attended; settled in class; mum happy to move to phase 2.",
    )
