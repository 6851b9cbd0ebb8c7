"""Each duty's colour alone (keys.py, which the board sorts, filters and counts every row
by) is the colour of the duty's cell (duties.py, which the page shows), for any facts:
generated around every boundary (today, the days "soon" ends, 90% and 50%, nothing
recorded at all), so the order and counts can never disagree with the cells shown."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from apcase.oversight import duties, keys

TODAY = datetime.date(2026, 11, 18)
# Days around today reaching past every "soon" window (14 days), both ways.
days = st.integers(min_value=-20, max_value=20).map(lambda n: TODAY + datetime.timedelta(days=n))
maybe_day = st.none() | days
sessions = st.lists(st.sampled_from(["am", "pm"]), unique=True, max_size=2)
PARTIES = ("school", "parent or carer", "provider")


@given(named=st.booleans(), works_there=st.booleans())
def test_named_staff(named, works_there):
    cell = duties.named_staff(named="Bea Named" if named else None, left=not works_there)
    assert keys.named_staff(named=named, works_there=works_there) is cell.colour


@given(
    has_timetable=st.booleans(),
    emergency_unagreed=st.booleans(),
    agreed=st.sets(st.sampled_from(PARTIES)),
    ever_agreed=st.booleans(),
)
def test_plan(has_timetable, emergency_unagreed, agreed, ever_agreed):
    ever_agreed = ever_agreed or bool(agreed)  # an agreement to this version is one
    cell = duties.plan(
        duties.PlanFacts(
            has_timetable=has_timetable,
            is_emergency_unagreed=emergency_unagreed,
            agreed_parties=frozenset(agreed),
            ever_agreed=ever_agreed,
            parties=PARTIES,
        )
    )
    colour = keys.plan(
        has_timetable=has_timetable,
        is_emergency_unagreed=emergency_unagreed,
        all_agreed=set(agreed) == set(PARTIES),
        ever_agreed=ever_agreed,
    )
    assert colour is cell.colour


@given(
    status=st.sampled_from([None, "missing", "expired", "expiring", "assured"]) | st.text(),
    not_assured=st.booleans(),
)
def test_assurance(status, not_assured):
    cell = duties.assurance(
        status=status, not_assured=not_assured, reasons=[], expiring_label="Expiring"
    )
    assert keys.assurance(status=status, not_assured=not_assured) is cell.colour


@given(expected=sessions, marked=sessions, passed=sessions)
def test_todays_register(expected, marked, passed):
    cell = duties.todays_register(expected=expected, marked=marked, cutoffs_passed=passed)
    colour = keys.todays_register(expected=expected, marked=set(marked), cutoffs_passed=passed)
    assert colour is cell.colour


@given(possible=st.integers(min_value=0, max_value=400), data=st.data())
def test_attendance(possible, data):
    # Every boundary: exactly 90% and 50% of some totals, and one either side.
    present = data.draw(st.integers(min_value=0, max_value=possible))
    for n in {present, possible * 9 // 10, possible // 2, possible * 9 // 10 + 1}:
        if n <= possible:
            cell = duties.attendance(present=n, possible=possible)
            assert keys.attendance(present=n, possible=possible) is cell.colour, (n, possible)


@given(due=days, missing=st.booleans(), requested=st.booleans())
def test_review(due, missing, requested):
    cell = duties.review(
        due=due, missing="No review scheduled." if missing else "", requested=requested, today=TODAY
    )
    colour = keys.review(due=due, missing=missing, requested=requested, today=TODAY)
    assert colour is cell.colour


@given(due=days, scheduled=maybe_day)
def test_visit(due, scheduled):
    cell = duties.visit(due=due, scheduled=scheduled, today=TODAY)
    assert keys.visit(due=due, scheduled=scheduled, today=TODAY) is cell.colour


@given(open_dates=st.lists(days, max_size=3))
def test_alert_tasks(open_dates):
    cell = duties.alert_tasks(open_dates=open_dates, today=TODAY)
    earliest = min(open_dates, default=None)
    assert keys.alert_tasks(earliest_open=earliest, today=TODAY) is cell.colour


@given(on_part_time=st.booleans(), ends_on=maybe_day)
def test_part_time(on_part_time, ends_on):
    timetable = duties.PartTime(ends_on=ends_on) if on_part_time else None
    cell = duties.part_time(timetable, today=TODAY)
    colour = keys.part_time(on_part_time=on_part_time, ends_on=ends_on, today=TODAY)
    assert colour is cell.colour


@given(
    new=st.integers(min_value=0, max_value=3), acknowledged=st.integers(min_value=0, max_value=3)
)
def test_concerns(new, acknowledged):
    cell = duties.concerns(new=new, open_=new + acknowledged)
    assert keys.concerns(new=new, open_=new + acknowledged) is cell.colour
