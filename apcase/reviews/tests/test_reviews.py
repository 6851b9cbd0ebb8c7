"""Holding a review: what it records, its figures, its decision and what the decision
does to the placement, and the refusals that leave nothing written."""

import datetime

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.monitoring.models import AttendanceMark, CheckIn, FollowUpTask, Visit
from apcase.placements.audit import PlacementAction
from apcase.placements.models import Placement
from apcase.pupils.tests.factories import CarerFactory
from apcase.referrals.tests.factories import person
from apcase.reviews import services
from apcase.reviews.models import Decision, Progress, Review
from apcase.reviews.services import ObjectiveFinding, ReviewRecord
from apcase.reviews.tests.factories import make_review
from conftest import sign_in
from tests.helpers import assert_page

WEEK = datetime.timedelta(weeks=1)
DAY = datetime.timedelta(days=1)


def record(placement, today, **fields):
    objectives = list(placement.objectives.all())
    values = {
        "held_on": today,
        "child_views": "I like the cooking lessons but not maths.",
        "parent_views": "He is happier going in each morning.",
        "decision": Decision.CONTINUE,
        "next_review_date": today + 4 * WEEK,
        "progress": {
            o.pk: ObjectiveFinding(Progress.SOME_PROGRESS, "Attended 4 mornings of 5 lately.")
            for o in objectives
        },
    }
    values.update(fields)
    return ReviewRecord(**values)


def test_a_held_review_keeps_views_attendance_progress_and_the_next_date(
    placement, lead, carer, today
):
    review = services.hold_review(
        placement,
        by=lead,
        record=record(
            placement,
            today,
            child_attended=True,
            carers_attended=[carer],
            provider_attended=True,
            views_sent_by="The educational psychologist, in writing.",
        ),
    )
    review.refresh_from_db()
    assert review.child_views == "I like the cooking lessons but not maths."
    assert review.parent_views == "He is happier going in each morning."
    assert list(review.carers_attended.all()) == [carer]
    assert review.carers_attended_names == "Jo Example (Mother)"
    assert review.views_sent_by == "The educational psychologist, in writing."
    (progress,) = review.progress.all()
    assert progress.progress == Progress.SOME_PROGRESS
    assert progress.objective_text == "Attend every morning session"
    assert review.next_review_date == today + 4 * WEEK
    actions = list(
        AuditEvent.objects.filter(target_type="reviews.review", target_id=str(review.pk))
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == ["review.held", "review.decision", "review.scheduled"]


def _mark(placement, day, session, code):
    return AttendanceMark.objects.create(
        placement=placement,
        pupil=placement.pupil,
        date=day,
        session=session,
        code=code,
        recorded_by=placement.named_staff_member,
        recorded_at=timezone.now(),
    )


def test_the_figures_equal_an_independent_count_of_the_period(placement, lead, today):
    """Since the previous review (exclusive) to the day of this one: what was before
    the previous review counts for that one, not this."""
    previous = make_review(placement, held_on=today - 3 * WEEK, held_by=lead)
    inside = [today - 2 * WEEK + n * DAY for n in range(5)]
    before = today - 4 * WEEK
    _mark(placement, before, "am", "O")  # before the period: not counted
    for day in inside:
        _mark(placement, day, "am", "/")
    _mark(placement, inside[0], "pm", "O")
    _mark(placement, inside[1], "pm", "O")
    _mark(placement, inside[2], "pm", "#")  # school closed: not a possible session
    staff = placement.named_staff_member
    for week, (engagement, wellbeing) in enumerate([(2, 4), (3, 3), (4, 2)]):
        CheckIn.objects.create(
            placement=placement,
            week_starting=previous.held_on + DAY + week * WEEK,
            engagement=engagement,
            wellbeing=wellbeing,
            behaviour=3,
            recorded_by=staff,
        )
    CheckIn.objects.create(
        placement=placement,
        week_starting=before,
        engagement=1,
        wellbeing=1,
        behaviour=1,
        recorded_by=staff,
    )
    for day, kind in [
        (inside[0], "absence"),
        (inside[1], "register_missing"),
        (inside[2], "check_in"),
        (before, "absence"),
    ]:
        FollowUpTask.objects.create(
            placement=placement, kind=kind, date=day, session="am", detail="x"
        )
    Visit.objects.create(
        placement=placement,
        status="done",
        scheduled_for=inside[3],
        visited_on=inside[3],
        scheduled_by=staff,
    )
    Visit.objects.create(
        placement=placement,
        status="done",
        scheduled_for=before,
        visited_on=before,
        scheduled_by=staff,
    )
    Visit.objects.create(
        placement=placement, status="scheduled", scheduled_for=inside[4], scheduled_by=staff
    )

    review = services.hold_review(placement, by=lead, record=record(placement, today))

    # Recounted by hand from what was written above.
    assert (review.period_start, review.period_end) == (previous.held_on + DAY, today)
    assert (review.sessions_possible, review.sessions_present) == (7, 5)
    assert review.attendance_percent == "71.4%"
    assert review.persistent_absence is True  # missed 2 of 7: 10% or more
    assert review.severe_absence is False  # under 50% missed
    assert review.check_ins == 3
    assert review.engagement_trend == "2 to 4 of 5 (up, 3 check-ins)"
    assert review.wellbeing_trend == "4 to 2 of 5 (down, 3 check-ins)"
    assert review.attendance_alerts == 2  # the wellbeing task is no attendance alert
    assert review.visits_held == 1


def test_severe_absence_is_flagged_below_half(placement, lead, today):
    for n in range(4):
        _mark(placement, today - (n + 1) * DAY, "am", "O")
    _mark(placement, today - 5 * DAY, "am", "/")
    review = services.hold_review(placement, by=lead, record=record(placement, today))
    assert (review.persistent_absence, review.severe_absence) == (True, True)


def test_with_no_marks_the_figures_say_so_rather_than_a_rate(placement, lead, today):
    review = services.hold_review(placement, by=lead, record=record(placement, today))
    assert review.attendance_percent == "–"
    assert review.engagement_trend == "No check-ins in the period"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"next_review_date": None}, "next_review_date"),
        ({"child_views": " "}, "child_views"),
        ({"parent_views": ""}, "parent_views"),
        ({"decision": "maybe"}, "decision"),
        ({"held_on": None}, "held_on"),
        ({"progress": {}}, "progress_"),
    ],
)
def test_a_review_missing_what_it_needs_is_refused_and_nothing_is_written(
    placement, lead, today, fields, field
):
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(placement, by=lead, record=record(placement, today, **fields))
    assert any(str(name).startswith(field) for name in refused.value.errors)
    assert not Review.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="review.").exists()


def test_the_next_review_must_be_within_the_interval(placement, lead, today):
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(
            placement, by=lead, record=record(placement, today, next_review_date=today + 7 * WEEK)
        )
    assert "within 6 weeks" in refused.value.errors["next_review_date"][0]
    services.hold_review(
        placement, by=lead, record=record(placement, today, next_review_date=today + 6 * WEEK)
    )


def test_a_review_in_the_future_is_refused(placement, lead, today):
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(
            placement, by=lead, record=record(placement, today, held_on=today + DAY)
        )
    assert "today or in the past" in refused.value.errors["held_on"][0]


def test_carers_of_another_pupil_are_refused(placement, lead, today):
    stranger = CarerFactory(name="Alex Other")
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(
            placement, by=lead, record=record(placement, today, carers_attended=[stranger])
        )
    assert "carers_attended" in refused.value.errors


def test_ending_needs_where_the_child_goes_and_then_ends_the_placement(placement, lead, today):
    ending = {
        "decision": Decision.END,
        "next_review_date": None,
        "decision_reason": "Ready to return.",
    }
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(placement, by=lead, record=record(placement, today, **ending))
    assert refused.value.errors["destination"] == ["Choose where the child goes next."]
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE

    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(
            placement,
            by=lead,
            record=record(
                placement,
                today,
                **{**ending, "next_review_date": today + WEEK},
                destination=Placement.Destination.RETURNED_FULL_TIME,
            ),
        )
    assert "Leave the next review date empty" in refused.value.errors["next_review_date"][0]

    review = services.hold_review(
        placement,
        by=lead,
        record=record(
            placement, today, **ending, destination=Placement.Destination.RETURNED_FULL_TIME
        ),
    )
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    assert placement.ended_on == today
    assert placement.end_destination == Placement.Destination.RETURNED_FULL_TIME
    assert review.next_review_date is None
    assert AuditEvent.objects.filter(
        action=PlacementAction.ENDED, target_id=str(placement.pk)
    ).exists()


def test_extending_moves_the_end_date_through_the_placement_workflow(placement, lead, today):
    new_end = today + 20 * WEEK
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(
            placement, by=lead, record=record(placement, today, decision=Decision.EXTEND)
        )
    assert set(refused.value.errors) >= {"new_end_date", "decision_reason"}
    services.hold_review(
        placement,
        by=lead,
        record=record(
            placement,
            today,
            decision=Decision.EXTEND,
            new_end_date=new_end,
            decision_reason="Needs the spring term to settle.",
        ),
    )
    placement.refresh_from_db()
    assert placement.planned_end_date == new_end
    (extension,) = placement.extensions.all()
    assert extension.reason == "Needs the spring term to settle."


def test_the_named_teacher_holds_a_review_but_cannot_end_the_placement(placement, staff, today):
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(
            placement,
            by=staff,
            record=record(
                placement,
                today,
                decision=Decision.END,
                next_review_date=None,
                destination=Placement.Destination.RETURNED_FULL_TIME,
                decision_reason="Ready.",
            ),
        )
    assert "Only the headteacher or inclusion lead" in refused.value.errors["decision"][0]
    services.hold_review(placement, by=staff, record=record(placement, today))


def test_someone_without_a_review_role_is_not_permitted(placement, world, today):
    admin = person(Role.SCHOOL_ADMIN, world.school)
    with pytest.raises(NotPermitted):
        services.hold_review(placement, by=admin, record=record(placement, today))


def test_a_review_cannot_be_on_or_before_the_last(placement, lead, today):
    make_review(placement, held_on=today - WEEK, held_by=lead)
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(
            placement, by=lead, record=record(placement, today, held_on=today - WEEK)
        )
    assert "after the last one" in refused.value.errors["held_on"][0]


def form_data(placement, today):
    objective = placement.objectives.get()
    return {
        "held_on_0": today.day,
        "held_on_1": today.month,
        "held_on_2": today.year,
        "child_attended": "yes",
        "provider_attended": "yes",
        "named_staff_member_attended": "yes",
        "child_views": "I want to go back to my class.",
        "parent_views": "We agree, with a slow start.",
        f"progress_{objective.pk}": "on_track",
        f"evidence_{objective.pk}": "Every morning for three weeks.",
        "decision": "reintegrate",
        "next_review_date_0": (today + 3 * WEEK).day,
        "next_review_date_1": (today + 3 * WEEK).month,
        "next_review_date_2": (today + 3 * WEEK).year,
    }


def test_the_form_page_holds_a_review_and_reintegration_goes_to_the_plan(placement, staff, today):
    client = sign_in(Client(), staff)
    url = reverse("reviews:hold", kwargs={"placement_id": placement.pk})
    assert_page(
        client.get(url), contains=["Record a review", "Attend every morning session", "The review"]
    )
    data = form_data(placement, today)
    try:
        expected = reverse("reintegration:create", args=[placement.pk])
    except NoReverseMatch:
        expected = reverse("placements:detail", kwargs={"placement_id": placement.pk})
    assert_page(client.post(url, data), status=302, redirects_to=expected)
    review = Review.objects.get()
    assert review.decision == Decision.REINTEGRATE
    assert review.child_views == "I want to go back to my class."


def test_the_form_page_shows_a_refusal_on_the_form(placement, staff, today):
    client = sign_in(Client(), staff)
    url = reverse("reviews:hold", kwargs={"placement_id": placement.pk})
    data = form_data(placement, today)
    del data["next_review_date_0"], data["next_review_date_1"], data["next_review_date_2"]
    assert_page(
        client.post(url, data),
        contains=["Enter the date of the next review", "There is a problem"],
    )
    assert not Review.objects.exists()


def test_ending_to_somewhere_else_says_where(placement, lead, today):
    ending = {
        "decision": Decision.END,
        "next_review_date": None,
        "decision_reason": "Family moving abroad.",
        "destination": Placement.Destination.OTHER,
    }
    with pytest.raises(ValidationFailed) as refused:
        services.hold_review(placement, by=lead, record=record(placement, today, **ending))
    assert refused.value.errors["destination_other"] == ["Say where the child goes next."]
    review = services.hold_review(
        placement,
        by=lead,
        record=record(placement, today, **ending, destination_other="A school in Spain"),
    )
    assert review.destination_label == "Other: A school in Spain"
    placement.refresh_from_db()
    assert placement.end_destination_other == "A school in Spain"
