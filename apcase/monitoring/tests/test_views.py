import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.core.attention import items_for
from apcase.monitoring.models import AttendanceMark, FollowUpTask
from apcase.placements.tests.factories import make_placement
from apcase.pupils.models import Pupil
from apcase.reference.attendance import Observation
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page

# The most recent weekday: pupils are timetabled Monday to Friday.
TODAY = timezone.localdate() - datetime.timedelta(days=max(0, timezone.localdate().weekday() - 4))


def _register_url(day=TODAY, session="am"):
    return f"{reverse('monitoring:register')}?date={day}&session={session}"


@pytest.fixture
def staff_client(world, client):
    return sign_in(client, person(Role.PROVIDER_STAFF, world.provider))


def _placements(world, n):
    start = TODAY - datetime.timedelta(days=14)
    return [
        make_placement(
            world.school,
            world.provider,
            start_date=start,
            pupil=make_pupil(world.school, legal_last_name=f"Pupil{i:02d}"),
        )
        for i in range(n)
    ]


def test_the_register_page_uses_the_same_number_of_queries_for_40_pupils_as_for_2(
    world, staff_client
):
    _placements(world, 2)
    staff_client.get(_register_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(_register_url()).status_code == 200
    _placements(world, 38)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(_register_url())
    assert response.content.count(b'class="govuk-select" id="mark_') == 40
    assert len(many) == len(few)


def test_the_register_shows_each_pupils_name_and_mark_in_as_many_queries_for_40_as_for_2(
    world, staff_client
):
    """A row reads only the pupil's name and the current mark: the preferred name where
    there is one, the mark chosen and the minutes late, with no query per pupil."""

    def marked(placements, observed, minutes=None):
        for placement in placements:
            AttendanceMark.objects.create(
                placement=placement,
                pupil=placement.pupil,
                date=TODAY,
                session="am",
                observed=observed,
                minutes_late=minutes,
                recorded_by=person(Role.PROVIDER_STAFF, world.provider),
                recorded_at=timezone.now(),
            )

    first = _placements(world, 2)
    Pupil.objects.filter(pk=first[0].pupil_id).update(
        preferred_name="Sunny", preferred_last_name="Day"
    )
    marked(first[:1], Observation.LATE, minutes=12)
    staff_client.get(_register_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(_register_url()).status_code == 200
    more = _placements(world, 38)
    marked(more[:20], Observation.PRESENT)
    with CaptureQueriesContext(connection) as many:
        response = staff_client.get(_register_url())
    assert response.status_code == 200
    assert len(many) == len(few)
    page = response.content.decode()
    assert "Sunny Day" in page
    for placement in more:
        assert placement.pupil.display_name in page
    assert page.count("(recorded: Present)") == 20
    late = re.search(rf'id="mark_{first[0].pk}".*?</select>', page, re.S)
    assert late
    assert f'value="{Observation.LATE}" selected' in late.group(0)
    assert re.search(rf'id="minutes_{first[0].pk}"[^>]*value="12"', page)


def test_the_register_asks_as_many_queries_with_nobody_expected_as_with_pupils_marked(
    world, staff_client
):
    """A provider with nobody expected (as on the demo) and one whose pupils have marks
    (as at a whole authority's scale) ask the same queries: the session's marks are read
    with the pupils, not after them."""
    staff_client.get(_register_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as empty:
        assert_page(staff_client.get(_register_url()), contains="No pupils are expected")
    placement, _unmarked = _placements(world, 2)
    AttendanceMark.objects.create(
        placement=placement,
        pupil=placement.pupil,
        date=TODAY,
        session="am",
        observed=Observation.PRESENT,
        recorded_by=person(Role.PROVIDER_STAFF, world.provider),
        recorded_at=timezone.now(),
    )
    with CaptureQueriesContext(connection) as marked:
        page = assert_page(staff_client.get(_register_url()), contains="(recorded: Present)")
    assert page.count('class="govuk-select" id="mark_') == 2
    assert len(marked) == len(empty)


def test_provider_submits_a_register_with_one_absence_and_the_named_staff_member_closes_it(
    world, staff_client, client
):
    placements = _placements(world, 3)
    data = {f"mark_{p.pk}": "/" for p in placements} | {f"mark_{placements[0].pk}": "N"}
    # Before the cut-off, whatever the time the test runs, use a past date's late path:
    response = staff_client.post(_register_url(), data | {"reason": "Taken late"})
    assert response.status_code == 302
    task = FollowUpTask.objects.get()
    named = placements[0].named_staff_member
    assert any(item.title.startswith("Follow up") for item in items_for(named))
    from django.test import Client

    named_client = sign_in(Client(), named)
    page = named_client.get(reverse("monitoring:tasks"))
    assert placements[0].pupil.display_name in page.content.decode()
    response = named_client.post(
        reverse("monitoring:close_task", kwargs={"task_id": task.pk}),
        {
            "who_was_contacted": "Mum",
            "where_the_child_is": "At home with a cold",
            "action_taken": "Phoned home at 9:40",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "closed"
    page = named_client.get(
        reverse("monitoring:placement", kwargs={"placement_id": placements[0].pk})
    )
    assert "0.0% (0 of 1 possible sessions)" in page.content.decode()


def test_a_register_missing_a_mark_shows_an_error_and_saves_nothing(world, staff_client):
    placements = _placements(world, 2)
    response = staff_client.post(_register_url(), {f"mark_{placements[0].pk}": "/", "reason": "x"})
    assert_page(response, contains="Choose a mark for")
    assert not placements[0].marks.exists()


def test_a_provider_cannot_open_a_pupil_placed_elsewhere(world, staff_client):
    elsewhere = make_placement(world.other_school, world.other_provider)
    ended = make_placement(world.school, world.provider, status="ended")
    for placement in (elsewhere, ended):
        url = reverse("monitoring:placement", kwargs={"placement_id": placement.pk})
        assert staff_client.get(url).status_code == 404
        url = reverse("pupils:detail", kwargs={"pupil_id": placement.pupil_id})
        assert staff_client.get(url).status_code == 404


def test_the_csv_gives_the_home_school_code_for_present_sessions(world, staff_client):
    placement = _placements(world, 1)[0]
    staff_client.post(_register_url(), {f"mark_{placement.pk}": "/", "reason": "late"})
    response = staff_client.get(
        reverse("monitoring:attendance_csv", kwargs={"placement_id": placement.pk})
    )
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("UPN,Surname")
    assert ",Present,B," in lines[1]


def test_the_register_day_is_chosen_with_the_gov_uk_date_input(world, staff_client):
    placement = _placements(world, 1)[0]
    page = staff_client.get(_register_url())
    html = assert_page(page)
    assert 'type="date"' not in html
    for part in ("date_0", "date_1", "date_2"):
        assert f'name="{part}"' in html
    # A weekday last week, typed as day, month and year.
    day = TODAY - datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    url = reverse("monitoring:register")
    shown = staff_client.get(
        url, {"date_0": day.day, "date_1": day.month, "date_2": day.year, "session": "am"}
    )
    assert_page(shown, contains=f"{day:%A} {day.day} {day:%B %Y}")
    assert placement.pupil.display_name in shown.content.decode()
    # A date that is no date, or one still to come, shows today's register and says why.
    for typed, message in (
        (("31", "2", str(TODAY.year)), "Date must be a real date"),
        (
            (str(TODAY.day), str(TODAY.month), str(TODAY.year + 1)),
            "a day that has not come yet",
        ),
    ):
        refused = staff_client.get(
            url, {"date_0": typed[0], "date_1": typed[1], "date_2": typed[2]}
        )
        assert_page(refused, contains=message)
        assert f"{TODAY.day} {TODAY:%B %Y}" in refused.content.decode()


def test_past_the_follow_ups_shown_the_home_page_says_how_many_more_and_where(
    world, client, monkeypatch
):
    """The school's home page lists the oldest open follow-ups; one more item counts
    them all and links to the page that lists every one, so none is left off unsaid."""
    from apcase.monitoring import attention

    monkeypatch.setattr(attention, "FOLLOW_UPS_SHOWN", 2)
    for days_ago, placement in enumerate(_placements(world, 3), start=1):
        FollowUpTask.objects.create(
            placement=placement,
            kind=FollowUpTask.Kind.CHECK_IN,
            date=TODAY - datetime.timedelta(days=days_ago),
            detail="Low wellbeing score",
        )
    lead = sign_in(client, person(Role.INCLUSION_LEAD, world.school))
    where = reverse("monitoring:tasks")
    page = assert_page(
        lead.get(reverse("home")),
        contains=["All 3 open follow-ups", "The oldest 2 are listed above.", f'href="{where}"'],
    )
    assert page.count("Follow up: ") == 2


def _selected(html: str, placement) -> list[str]:
    """The values offered in a row's mark list, the selected one marked with a *."""
    select = html.split(f'name="mark_{placement.pk}">', 1)[1].split("</select>", 1)[0]
    return [
        value + ("*" if selected else "")
        for value, selected in re.findall(r'<option value="([^"]*)"( selected)?>', select)
    ]


def test_each_register_row_offers_every_observation_with_its_own_mark_selected(world, staff_client):
    """A submission refused for a missing mark keeps what was chosen in each row; once
    saved, each row shows its recorded mark."""
    late, present, missing = _placements(world, 3)
    offered = ["", *Observation.values]
    chosen = {f"mark_{late.pk}": "late", f"minutes_{late.pk}": "10", f"mark_{present.pk}": "/"}
    refused = assert_page(staff_client.post(_register_url(), chosen), contains="Choose a mark")
    assert _selected(refused, late) == [v + "*" if v == "late" else v for v in offered]
    assert _selected(refused, present) == [v + "*" if v == "present" else v for v in offered]
    assert _selected(refused, missing) == offered
    chosen |= {f"mark_{missing.pk}": "absent_illness", "reason": "Taken late"}
    assert staff_client.post(_register_url(), chosen).status_code == 302
    saved = assert_page(staff_client.get(_register_url()))
    for placement, mark in ((late, "late"), (present, "present"), (missing, "absent_illness")):
        assert _selected(saved, placement) == [v + "*" if v == mark else v for v in offered]
    assert f'id="minutes_{late.pk}" name="minutes_{late.pk}"' in saved
