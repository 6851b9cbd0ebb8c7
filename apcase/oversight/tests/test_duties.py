"""Each duty's colour at its boundaries, and the fail-safe cases: missing data is red
and says what is missing, never green."""

import datetime

import pytest

from apcase.oversight import duties
from apcase.oversight.duties import Colour

TODAY = datetime.date(2026, 11, 18)
DAY = datetime.timedelta(days=1)
PARTIES = ("school", "parent or carer", "provider")


@pytest.mark.parametrize(
    ("present", "possible", "colour", "label"),
    [
        (900, 1000, Colour.GREEN, "90.0%"),
        (899, 1000, Colour.AMBER, "89.9%"),
        (500, 1000, Colour.AMBER, "50.0%"),
        (499, 1000, Colour.RED, "49.9%"),
        (10, 10, Colour.GREEN, "100.0%"),
        (0, 10, Colour.RED, "0.0%"),
    ],
)
def test_attendance_at_its_thresholds(present, possible, colour, label):
    cell = duties.attendance(present=present, possible=possible)
    assert (cell.colour, cell.label) == (colour, label)


def test_no_marks_is_red_and_says_so():
    cell = duties.attendance(present=0, possible=0)
    assert cell.colour is Colour.RED
    assert "No attendance recorded" in cell.detail


@pytest.mark.parametrize(
    ("due", "colour"),
    [
        (TODAY - DAY, Colour.RED),
        (TODAY, Colour.AMBER),
        (TODAY + DAY * duties.REVIEW_SOON_DAYS, Colour.AMBER),
        (TODAY + DAY * (duties.REVIEW_SOON_DAYS + 1), Colour.GREEN),
    ],
)
def test_review_due_today_is_amber_and_yesterday_red(due, colour):
    assert duties.review(due=due, missing="", requested=False, today=TODAY).colour is colour


def test_a_review_never_scheduled_is_red_even_before_its_latest_date():
    cell = duties.review(
        due=TODAY + DAY * 30, missing="No review scheduled.", requested=False, today=TODAY
    )
    assert cell.colour is Colour.RED
    assert "No review scheduled." in cell.detail


def test_a_parents_request_makes_an_in_date_review_amber():
    cell = duties.review(due=TODAY + DAY * 30, missing="", requested=True, today=TODAY)
    assert cell.colour is Colour.AMBER


@pytest.mark.parametrize(
    ("due", "scheduled", "colour"),
    [
        (TODAY - DAY, None, Colour.RED),
        (TODAY - DAY, TODAY, Colour.RED),  # overdue, whatever is booked
        (TODAY, None, Colour.AMBER),
        (TODAY + DAY * duties.VISIT_SOON_DAYS, None, Colour.AMBER),
        (TODAY + DAY * duties.VISIT_SOON_DAYS, TODAY + DAY, Colour.GREEN),  # booked in time
        (TODAY + DAY * (duties.VISIT_SOON_DAYS + 1), None, Colour.GREEN),
    ],
)
def test_visit_at_its_thresholds(due, scheduled, colour):
    assert duties.visit(due=due, scheduled=scheduled, today=TODAY).colour is colour


def test_named_staff_member():
    assert duties.named_staff(named="Tom Ellery", left=False).colour is Colour.GREEN
    left = duties.named_staff(named="Tom Ellery", left=True)
    assert left.colour is Colour.RED
    assert "no longer works" in left.detail
    nobody = duties.named_staff(named=None, left=True)
    assert nobody.colour is Colour.RED
    assert "Nobody is named" in nobody.detail


def _plan(**changes):  # type: ignore[no-untyped-def]
    values = {
        "has_timetable": True,
        "is_emergency_unagreed": False,
        "agreed_parties": frozenset(PARTIES),
        "ever_agreed": True,
        "parties": PARTIES,
    } | changes
    return duties.plan(duties.PlanFacts(**values))


def test_plan_agreed_changed_and_missing():
    assert _plan().colour is Colour.GREEN
    changed = _plan(agreed_parties=frozenset({"school"}))
    assert changed.colour is Colour.AMBER
    assert "parent or carer, provider" in changed.detail
    never = _plan(agreed_parties=frozenset(), ever_agreed=False)
    assert never.colour is Colour.RED
    assert "No agreement recorded" in never.detail
    assert _plan(is_emergency_unagreed=True).colour is Colour.RED
    no_timetable = _plan(has_timetable=False)
    assert no_timetable.colour is Colour.RED
    assert "No weekly timetable" in no_timetable.detail


@pytest.mark.parametrize(
    ("status", "not_assured", "colour"),
    [
        ("assured", False, Colour.GREEN),
        ("expiring", False, Colour.AMBER),
        ("expired", False, Colour.RED),
        ("missing", False, Colour.RED),
        (None, False, Colour.RED),
        ("assured", True, Colour.RED),
        ("a status added later", False, Colour.RED),  # green only when known in date
    ],
)
def test_provider_assurance(status, not_assured, colour):
    cell = duties.assurance(
        status=status, not_assured=not_assured, reasons=["x"], expiring_label="Expiring"
    )
    assert cell.colour is colour


def test_todays_register():
    def cell(expected, marked, passed):  # type: ignore[no-untyped-def]
        return duties.todays_register(expected=expected, marked=marked, cutoffs_passed=passed)

    assert cell([], [], ["am", "pm"]).colour is Colour.GREEN
    assert cell(["am", "pm"], ["am", "pm"], ["am", "pm"]).colour is Colour.GREEN
    assert cell(["am", "pm"], ["am"], ["am"]).colour is Colour.AMBER
    late = cell(["am", "pm"], ["am"], ["am", "pm"])
    assert late.colour is Colour.RED
    assert "afternoon" in late.detail
    assert cell(["am"], [], []).colour is Colour.AMBER


def test_open_attendance_alerts():
    assert duties.alert_tasks(open_dates=[], today=TODAY).colour is Colour.GREEN
    assert duties.alert_tasks(open_dates=[TODAY], today=TODAY).colour is Colour.AMBER
    old = duties.alert_tasks(open_dates=[TODAY, TODAY - DAY], today=TODAY)
    assert (old.colour, old.label) == (Colour.RED, "2 open")


@pytest.mark.parametrize(
    ("ends_on", "colour"),
    [
        (None, Colour.RED),
        (TODAY - DAY, Colour.RED),
        (TODAY, Colour.AMBER),
        (TODAY + DAY * duties.PART_TIME_SOON_DAYS, Colour.AMBER),
        (TODAY + DAY * (duties.PART_TIME_SOON_DAYS + 1), Colour.GREEN),
    ],
)
def test_part_time_timetable(ends_on, colour):
    cell = duties.part_time(duties.PartTime(ends_on=ends_on), today=TODAY)
    assert cell.colour is colour


def test_no_part_time_timetable_is_green():
    assert duties.part_time(None, today=TODAY).colour is Colour.GREEN


def test_concerns():
    assert duties.concerns(new=0, open_=0).colour is Colour.GREEN
    assert duties.concerns(new=0, open_=2).colour is Colour.AMBER
    assert duties.concerns(new=1, open_=1).colour is Colour.RED
