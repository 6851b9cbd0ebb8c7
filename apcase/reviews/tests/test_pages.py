"""Who sees what of a review, the flags on home pages and the pupil page, parents'
requests and the provider's report, as the people using them see them."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry, AuditEvent
from apcase.core.errors import ValidationFailed
from apcase.pupils.tests.factories import CarerFactory
from apcase.referrals.tests.factories import person
from apcase.reviews import selectors, services
from apcase.reviews.models import ProviderReport, ReviewRequest
from apcase.reviews.tests.factories import make_review
from apcase.safeguarding.tests.factories import report
from conftest import sign_in
from tests.helpers import assert_page

WEEK = datetime.timedelta(weeks=1)
DSL_LINE = "Safeguarding concerns in the period"


def client_of(user):
    return sign_in(Client(), user)


@pytest.fixture
def review(placement, lead, today):
    return make_review(placement, held_on=today - WEEK, held_by=lead, period_end=today - WEEK)


def test_the_provider_reads_the_review_but_not_its_dsl_only_part(world, review):
    provider = client_of(person(Role.PROVIDER_STAFF, world.provider))
    url = reverse("reviews:detail", args=[review.pk])
    assert_page(provider.get(url), contains=["I like the cooking lessons"], lacks=DSL_LINE)
    pdf = provider.get(reverse("reviews:minutes_pdf", args=[review.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        selectors.concerns_in_period(person(Role.PROVIDER_MANAGER, world.provider), review) is None
    )


def test_only_the_dsl_sees_the_concerns_of_the_period_even_when_there_are_none(world, review):
    url = reverse("reviews:detail", args=[review.pk])
    dsl = client_of(person(Role.SCHOOL_DSL, world.school))
    page = assert_page(dsl.get(url), contains=DSL_LINE)
    assert "0" in page.split(DSL_LINE, 1)[1][:200]
    for role in (Role.HEADTEACHER, Role.INCLUSION_LEAD):
        assert_page(client_of(person(role, world.school)).get(url), lacks=DSL_LINE)
    assert_page(client_of(person(Role.LA_OFFICER, world.la)).get(url), lacks=DSL_LINE)


def test_the_dsl_count_is_the_concerns_raised_in_the_period(world, placement, review):
    from apcase.safeguarding import services as safeguarding

    dsl_user = person(Role.SCHOOL_DSL, world.school)
    raiser = person(Role.SCHOOL_STAFF, world.school)
    safeguarding.raise_concern(by=raiser, pupil=placement.pupil, report=report())
    # Recorded today: after this review's period, so not counted.
    assert selectors.concerns_in_period(dsl_user, review) == 0
    later = make_review(
        placement,
        held_on=timezone.localdate(),
        held_by=dsl_user,
        period_start=review.held_on + datetime.timedelta(days=1),
    )
    assert selectors.concerns_in_period(dsl_user, later) == 1
    assert selectors.concerns_in_period(person(Role.HEADTEACHER, world.school), later) is None


def test_reading_a_review_is_access_logged(world, review):
    lead = person(Role.INCLUSION_LEAD, world.school)
    assert_page(client_of(lead).get(reverse("reviews:detail", args=[review.pk])))
    assert client_of(lead).get(reverse("reviews:minutes_pdf", args=[review.pk])).status_code == 200
    assert list(
        AccessLogEntry.objects.filter(target_id=str(review.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["review.viewed", "review.minutes_printed"]


def test_the_provider_of_another_placement_finds_nothing(world, review):
    other = client_of(person(Role.PROVIDER_MANAGER, world.other_provider))
    assert_page(other.get(reverse("reviews:detail", args=[review.pk])), status=404)


def test_an_overdue_review_is_flagged_for_the_named_staff_member_lead_and_la_officer(
    world, placement, staff
):
    """Eight weeks in, no first review date and no review: overdue, and it says why."""
    for user in (
        staff,
        person(Role.INCLUSION_LEAD, world.school),
        person(Role.LA_OFFICER, world.la),
    ):
        assert_page(
            client_of(user).get(reverse("home")),
            contains=["Placement review overdue", "No review scheduled."],
        )
    teacher = person(Role.SCHOOL_STAFF, world.school)
    assert_page(client_of(teacher).get(reverse("home")), lacks="Placement review overdue")
    assert_page(
        client_of(person(Role.LA_OFFICER, world.other_la)).get(reverse("home")),
        lacks="Placement review overdue",
    )


def test_a_review_held_with_a_next_date_clears_the_flag(placement, staff, lead, today):
    make_review(placement, held_on=today - WEEK, held_by=lead, next_review_date=today + WEEK)
    assert_page(client_of(staff).get(reverse("home")), lacks="Placement review overdue")


def test_a_next_date_that_has_passed_is_flagged_again(placement, staff, lead, today):
    make_review(
        placement,
        held_on=today - 7 * WEEK,
        held_by=lead,
        next_review_date=today - 1 * WEEK + datetime.timedelta(days=6),
    )
    assert_page(client_of(staff).get(reverse("home")), contains="Placement review overdue")


def test_the_pupil_page_shows_the_last_and_next_review_and_requests(
    world, placement, lead, carer, today
):
    make_review(
        placement, held_on=today - 12 * WEEK + WEEK, held_by=lead, next_review_date=today - WEEK
    )
    services.record_request(
        placement, by=lead, received_on=today, carer=carer, how=ReviewRequest.How.LETTER
    )
    page = assert_page(
        client_of(lead).get(reverse("pupils:detail", args=[placement.pupil_id])),
        contains=["Reviews", "Overdue", "Review due: parent asked", "Jo Example"],
    )
    assert "Reviews of this placement" in page


def test_a_parents_request_within_10_weeks_of_a_review_raises_no_flag(
    placement, lead, staff, carer, today
):
    make_review(placement, held_on=today - 10 * WEEK, held_by=lead, next_review_date=today + WEEK)
    services.record_request(
        placement, by=lead, received_on=today, carer=carer, how=ReviewRequest.How.EMAIL
    )
    assert_page(client_of(staff).get(reverse("home")), lacks="parent asked")


def test_a_parents_request_after_10_weeks_is_flagged_until_a_review_is_held(
    placement, lead, staff, carer, today
):
    make_review(
        placement,
        held_on=today - 10 * WEEK - datetime.timedelta(days=1),
        held_by=lead,
        next_review_date=today + WEEK,
    )
    services.record_request(
        placement, by=lead, received_on=today, carer=carer, how=ReviewRequest.How.EMAIL
    )
    assert_page(client_of(staff).get(reverse("home")), contains="Review due, parent asked")
    assert AuditEvent.objects.filter(action="review.requested").count() == 1
    make_review(placement, held_on=today, held_by=lead)
    assert_page(client_of(staff).get(reverse("home")), lacks="parent asked")


def test_a_request_from_someone_not_the_pupils_carer_is_refused(placement, lead, today):
    with pytest.raises(ValidationFailed) as refused:
        services.record_request(
            placement, by=lead, received_on=today, carer=CarerFactory(), how="letter"
        )
    assert "carer" in refused.value.errors
    assert not ReviewRequest.objects.exists()


def test_the_request_page_records_a_request(placement, staff, carer, today):
    url = reverse("reviews:request", kwargs={"placement_id": placement.pk})
    data = {
        "received_on_0": today.day,
        "received_on_1": today.month,
        "received_on_2": today.year,
        "carer": carer.pk,
        "how": "letter",
    }
    assert_page(
        client_of(staff).post(url, data),
        status=302,
        redirects_to=reverse("reviews:placement", kwargs={"placement_id": placement.pk}),
    )
    assert ReviewRequest.objects.get().from_name == "Jo Example (Mother)"


def test_the_provider_writes_its_report_and_the_school_reads_it(world, placement, lead):
    provider_user = person(Role.PROVIDER_STAFF, world.provider)
    provider = client_of(provider_user)
    assert_page(provider.get(reverse("home")), contains="Write your report for the review")
    url = reverse("reviews:provider_report", kwargs={"placement_id": placement.pk})
    objective = placement.objectives.get()
    assert_page(provider.post(url, {"attendance": "Most days."}), contains="There is a problem")
    data = {
        f"progress_{objective.pk}": "on_track",
        f"evidence_{objective.pk}": "Five mornings of five.",
        "attendance": "Present every morning but one.",
        "behaviour": "Calm; joined in the group work.",
        "child_said": "He said the cooking lesson was the best bit.",
    }
    assert_page(provider.post(url, data), status=302)
    report_ = ProviderReport.objects.get()
    assert report_.progress.get().progress == "on_track"
    assert AuditEvent.objects.filter(action="review.provider_report").count() == 1
    assert_page(provider.get(reverse("home")), lacks="Write your report for the review")
    assert_page(
        client_of(lead).get(reverse("reviews:placement", kwargs={"placement_id": placement.pk})),
        contains=["He said the cooking lesson was the best bit.", "Five mornings of five."],
    )


def test_school_staff_who_are_not_named_cannot_hold_a_review(world, placement):
    teacher = client_of(person(Role.SCHOOL_STAFF, world.school))
    assert_page(
        teacher.get(reverse("reviews:hold", kwargs={"placement_id": placement.pk})), status=404
    )


def test_the_minutes_hold_no_dsl_only_part_even_when_the_dsl_prints_them(
    world, review, monkeypatch
):
    from apcase.core import pdf

    rendered = {}

    def capture(template, context):
        rendered["context"] = context
        return b"%PDF-1.4"

    monkeypatch.setattr(pdf, "render_pdf", capture)
    dsl = client_of(person(Role.SCHOOL_DSL, world.school))
    assert dsl.get(reverse("reviews:minutes_pdf", args=[review.pk])).status_code == 200
    assert rendered["context"]["concerns"] is None
    assert rendered["context"]["review"] == review
