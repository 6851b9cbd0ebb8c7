"""A return to school in a browser: the named staff member holds a review with the
child's and the parents' views and decides to start reintegration; drafts the plan with
a part-time phase, which is refused without a parent's agreement (and refused from a
carer the child does not live with), then agreed, with the local authority told;
reviews its progress; completes it, and the placement ends as "returned to the home
school full time"."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from apcase.accounts.models import Organisation, User
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.pupils.models import Carer
from apcase.referrals.tests.factories import make_pupil
from apcase.reintegration.models import PlanStatus, ReintegrationPlan
from tests.e2e.conftest import ConsoleWatch, sign_in, submit

pytestmark = pytest.mark.browser

NAMED_STAFF_MEMBER = "inclusion.lead@heronsgate.example"
LA_OFFICER = "la.officer@mk-council.example"


def _date(group: Locator, day: datetime.date) -> None:
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _group(page: Page, name: str) -> Locator:
    return page.get_by_role("group", name=name)


def _banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner, .govuk-error-summary")


def test_a_review_starts_reintegration_and_the_completed_plan_ends_the_placement(
    page: Page, demo_site: str, console: ConsoleWatch
):
    today = timezone.localdate()
    school = Organisation.objects.get(name="Heronsgate School")
    pru = Organisation.objects.get(urn=134310)
    pupil = make_pupil(school, legal_first_name="Ellis", legal_last_name="Varden")
    Carer.objects.create(
        pupil=pupil, name="Hana Varden", relationship="Mother", lives_with_pupil=True
    )
    Carer.objects.create(
        pupil=pupil, name="Rob Varden", relationship="Father", lives_with_pupil=False
    )
    placement = make_placement(
        school,
        pru,
        pupil=pupil,
        named_staff_member=User.objects.get(email=NAMED_STAFF_MEMBER),
        start_date=today - datetime.timedelta(weeks=8),
    )

    # The review, with the child's and the parents' views, decides to start reintegration.
    sign_in(page, demo_site, NAMED_STAFF_MEMBER)
    page.goto(f"{demo_site}/reviews/placement/{placement.pk}/")
    page.get_by_role("link", name="Record a review").click()
    _date(_group(page, "Date of the review"), today)
    _group(page, "Did the child attend?").get_by_label("Yes").check()
    page.get_by_label("Hana Varden").check()
    _group(page, f"Did {pru} attend?").get_by_label("Yes").check()
    _group(page, "Did the named member of staff attend?").get_by_label("Yes").check()
    page.get_by_label("The child's views").fill("I want to go back to my class with my friends.")
    page.get_by_label("The parents' or carers' views").fill("Mornings first, then build up.")
    page.get_by_label("Start reintegration to the home school").check()
    _date(_group(page, "Date of the next review"), today + datetime.timedelta(weeks=4))
    submit(page)

    # Straight on to the plan, which names the review it came from.
    expect(page.locator("h1")).to_contain_text("Start a reintegration plan")
    _date(
        _group(page, "Target date to be back at school full time"),
        today + datetime.timedelta(weeks=4),
    )
    page.get_by_label("Support strategies").fill("Key adult meets Ellis at the gate.")
    submit(page)
    expect(_banner(page)).to_contain_text("Reintegration plan drafted")
    expect(page.locator("main")).to_contain_text("Started by")

    # Two weeks part time: three mornings at school, two at the PRU, the rest C2.
    page.get_by_role("link", name="Add a phase").click()
    page.get_by_label("From week").fill("1")
    page.get_by_label("To week").fill("2")
    at_school = _group(page, "Sessions at the home school each week")
    for day in ("Monday", "Tuesday", "Wednesday"):
        at_school.get_by_label(f"{day} morning").check()
    at_provider = _group(page, "Sessions at the provider each week")
    for day in ("Thursday", "Friday"):
        at_provider.get_by_label(f"{day} morning").check()
    submit(page)
    expect(_banner(page)).to_contain_text("Phase added")
    expect(page.locator("#c2")).to_be_visible()
    page.get_by_role("link", name="Add a review date").click()
    _date(_group(page, "Review date"), today)
    submit(page)

    # Refused without a parent's agreement, naming what is missing.
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.locator("main")).to_contain_text(
        "The plan cannot be agreed without the agreement of a parent or carer the pupil lives with"
    )
    assert ReintegrationPlan.objects.get(placement=placement).status == PlanStatus.DRAFT

    # The father does not live with Ellis: refused; the mother agrees.
    page.get_by_role("link", name="Record the parent's agreement").click()
    page.get_by_label("Rob Varden").check()
    _date(_group(page, "Date they agreed"), today)
    page.get_by_label("In a meeting").check()
    page.get_by_label("Agreed times and dates").fill(
        "Monday to Wednesday 8:50 to 12:00 at Heronsgate; Thursday and Friday mornings at the PRU."
    )
    _date(_group(page, "End date of the part-time timetable"), today + datetime.timedelta(days=13))
    submit(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Rob Varden does not live with the pupil"
    )
    page.get_by_label("Hana Varden").check()
    submit(page)
    expect(_banner(page)).to_contain_text("Agreement recorded")
    page.get_by_role("button", name="Agree the plan").click()
    expect(_banner(page)).to_contain_text("The plan is agreed.")
    assert LA_OFFICER in {message.to[0] for message in mail.outbox}

    # Progress at the review point, then back full time: the placement ends.
    page.get_by_role("link", name="Record progress").click()
    page.get_by_label("On track").check()
    page.get_by_label("What the review found").fill("Every agreed morning attended.")
    submit(page)
    expect(page.locator("#reviews")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Every agreed morning attended.")
    page.get_by_role("link", name="Complete the plan: back full time").click()
    page.get_by_label("Who decided the child is back full time").fill("Review with Ellis and Hana")
    submit(page)
    expect(_banner(page)).to_contain_text("returned to the home school full time")
    page.get_by_role("link", name="Back to the placement").click()
    expect(page.locator("main")).to_contain_text("Returned to the home school full time")

    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED
    assert placement.end_destination == Placement.Destination.RETURNED_FULL_TIME
    assert ReintegrationPlan.objects.get(placement=placement).status == PlanStatus.COMPLETED
    assert console.errors == []
