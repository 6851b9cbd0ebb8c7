"""Each role's home page is its work list: under the role's heading, each list of work,
each item one click from the page where it is done (and that page opens for them)."""

import datetime
from html import escape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.directory.tests.factories import AssuranceRecordFactory
from apcase.monitoring.models import AttendanceMark, FollowUpTask
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import (
    complete_referral,
    draft_referral,
    make_emergency,
    make_meeting,
    make_panel,
    make_pupil,
    person,
)
from conftest import sign_in
from tests.helpers import assert_page, queries_asked

from .worklist_page import work_list

# Monday of the second week of the placements (factories.START is a Monday), at 11:00:
# the morning register's cut-off (10:00) has passed.
TODAY = START + datetime.timedelta(days=7)
NOW = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(11, 0)))


@pytest.fixture
def clock(monkeypatch):
    """Every `timezone.now()` (and so `localdate()`) reads NOW."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def work(world, clock):
    """One of each kind of work, for the world's own school, LA and provider."""
    school, provider = world.school, world.provider
    present = make_placement(
        school, provider, pupil=make_pupil(school, legal_first_name="Ava", legal_last_name="Mark")
    )
    waiting = make_placement(
        school, provider, pupil=make_pupil(school, legal_first_name="Ben", legal_last_name="Wait")
    )
    staff = person(Role.PROVIDER_STAFF, provider)
    AttendanceMark.objects.create(
        placement=present,
        pupil=present.pupil,
        date=TODAY,
        session="am",
        observed="present",
        recorded_by=staff,
        recorded_at=NOW,
    )
    make_placement(
        school,
        provider,
        pupil=make_pupil(school, legal_first_name="Cara", legal_last_name="Start"),
        status=Placement.Status.PLANNED,
        start_date=TODAY + datetime.timedelta(days=2),
    )
    FollowUpTask.objects.create(
        placement=waiting,
        kind=FollowUpTask.Kind.ABSENCE,
        date=TODAY - datetime.timedelta(days=3),
        session="am",
        detail="Ben was absent without a reason.",
    )
    draft_referral(make_pupil(school, legal_first_name="Dan", legal_last_name="Draft"))
    complete_referral(make_pupil(school, legal_first_name="Eve", legal_last_name="Sign"))
    panel = make_panel(world.la)
    chair = person(Role.PANEL_CHAIR, world.la)
    upcoming = make_meeting(panel, date=TODAY + datetime.timedelta(days=16), chair=chair)
    held = make_meeting(panel, date=TODAY - datetime.timedelta(days=4), chair=chair)
    for first, meeting in (("Gus", upcoming), ("Hal", held)):
        referral = complete_referral(make_pupil(school, legal_first_name=first))
        Referral.objects.filter(pk=referral.pk).update(
            status=Referral.Status.SCHEDULED, submitted_at=NOW, meeting=meeting
        )
    waiting_referral = complete_referral(make_pupil(school, legal_first_name="Ivy"))
    Referral.objects.filter(pk=waiting_referral.pk).update(
        status=Referral.Status.SUBMITTED, submitted_at=NOW
    )
    for first, meeting in (("Finn", upcoming), ("Jon", held)):
        pupil = make_pupil(school, legal_first_name=first, legal_last_name="Urgent")
        placement = make_placement(school, provider, pupil=pupil, is_emergency=True)
        make_emergency(placement, meeting, assessed_on=TODAY)
    AssuranceRecordFactory(organisation=provider, expires_on=TODAY + datetime.timedelta(days=5))
    return chair


EXPECTED = {
    Role.INCLUSION_LEAD: [
        ("Children in alternative provision now", "Ava Mark at", "Present"),
        ("Children in alternative provision now", "Ben Wait at", "Not yet recorded"),
        ("Referrals to finish", "Continue the referral for Dan Draft", ""),
        ("Sign-offs awaiting the headteacher", "The referral for Eve", ""),
        ("Emergency placements awaiting ratification", "Emergency placement for Finn", ""),
        ("Emergency placements awaiting ratification", "Emergency placement for Jon", ""),
        ("Follow-ups", "Follow up: Ben Wait", ""),
        ("Plans awaiting agreement", "Plan awaiting agreement: Cara Start", ""),
    ],
    Role.HEADTEACHER: [
        ("Children in alternative provision now", "Ben Wait at", "Not yet recorded"),
        ("Sign-offs awaiting the headteacher", "Sign off the referral for Eve", ""),
        ("Referrals to finish", "Continue the referral for Dan Draft", ""),
        ("Plans awaiting agreement", "Plan awaiting agreement: Cara Start", ""),
    ],
    Role.PANEL_CHAIR: [
        ("Next panel meeting", "Next panel meeting: 30 September 2026", ""),
        ("Decisions to record", "Record the decisions of the panel meeting on 10 September", ""),
    ],
    Role.PANEL_MEMBER: [
        ("Next panel meeting", "Next panel meeting: 30 September 2026", ""),
    ],
    Role.LA_OFFICER: [
        ("Referrals awaiting scheduling", "Referral for Ivy", ""),
        ("Emergency placements awaiting ratification", "Emergency placement for Jon", ""),
        ("Providers", "Assurance expiring: Milton Keynes Primary Referral Unit", ""),
        ("Decisions to record", "Record the decisions of the panel meeting on 10 September", ""),
    ],
    Role.PROVIDER_MANAGER: [
        ("Registers not yet taken today", "Take the morning register", "Missed"),
        ("Pupils starting this week", "Cara Start starts on Wednesday 16 September", ""),
        ("Check-ins due", "Weekly check-in: Ava Mark", ""),
        ("Plans awaiting agreement", "Plan awaiting your agreement: Cara Start", ""),
    ],
    Role.PROVIDER_STAFF: [
        ("Registers not yet taken today", "Take the morning register", "Missed"),
        ("Check-ins due", "Weekly check-in: Ben Wait", ""),
    ],
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_home_page_lists_its_work_each_item_one_click_from_a_page_that_opens(
    role, work, world, user_with_role
):
    user = user_with_role(role)
    client = sign_in(Client(), user)

    html = client.get("/").content.decode()
    found = work_list(html)

    assert list(found) == [Role(role).label], found
    lists = found[Role(role).label]
    for heading, title, tag in EXPECTED[role]:
        matches = [(text, href) for text, href in lists.get(heading, []) if title in text]
        assert matches, f"{title!r} is not under {heading!r}: {lists}"
        href = matches[0][1]
        assert_page(client.get(href))
        if tag:
            item = html.split(f'href="{escape(href)}"', 1)[1].split("</li>", 1)[0]
            assert tag in item, item


def test_a_missed_register_is_listed_without_the_cut_off_check_having_run(
    work, world, user_with_role
):
    assert not FollowUpTask.objects.filter(kind=FollowUpTask.Kind.REGISTER_MISSING).exists()
    client = sign_in(Client(), user_with_role(Role.PROVIDER_STAFF))

    lists = work_list(client.get("/").content.decode())["Provider staff"]

    [(text, href)] = lists["Registers not yet taken today"]
    assert text == "Take the morning register at Milton Keynes Primary Referral Unit"
    assert_page(client.get(href), contains=["Wait"])


def test_a_register_before_its_cut_off_is_due_and_a_taken_one_is_gone(
    world, user_with_role, monkeypatch
):
    early = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(8, 30)))
    monkeypatch.setattr(timezone, "now", lambda: early)
    placement = make_placement(world.school, world.provider)
    staff = user_with_role(Role.PROVIDER_STAFF)
    client = sign_in(Client(), staff)

    html = client.get("/").content.decode()
    assert "Due by 10am" in html
    assert "Missed" not in html

    AttendanceMark.objects.create(
        placement=placement,
        pupil=placement.pupil,
        date=TODAY,
        session="am",
        observed="present",
        recorded_by=staff,
        recorded_at=early,
    )
    assert "Registers not yet taken today" not in client.get("/").content.decode()


def test_the_home_page_makes_as_many_queries_for_many_children_as_for_one(
    world, clock, user_with_role, django_assert_max_num_queries
):
    """Each role's page: the queries do not grow with the rows it lists."""
    users = {
        role: user_with_role(role)
        for role in (
            Role.INCLUSION_LEAD,
            Role.HEADTEACHER,
            Role.SCHOOL_DSL,
            Role.SCHOOL_STAFF,
            Role.SCHOOL_ADMIN,
            Role.LA_OFFICER,
            Role.PROVIDER_STAFF,
        )
    }

    def one_of_each(n):
        for i in range(n):
            pupil = make_pupil(world.school, legal_last_name=f"Pupil{i}")
            placement = make_placement(
                world.school,
                world.provider,
                pupil=pupil,
                named_staff_member=users[Role.SCHOOL_STAFF],
            )
            make_placement(
                world.school,
                world.provider,
                status=Placement.Status.PLANNED,
                start_date=TODAY + datetime.timedelta(days=1),
            )
            draft_referral(make_pupil(world.school))
            complete_referral(make_pupil(world.school))
            FollowUpTask.objects.create(
                placement=placement,
                kind=FollowUpTask.Kind.ABSENCE,
                date=TODAY,
                session="am",
                detail="Absent",
            )

    def counts():
        found = {}
        for role, user in users.items():
            client = sign_in(Client(), user)
            client.get("/")  # the session, warmed
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/").status_code == 200
            found[role] = len(queries)
        return found

    one_of_each(1)
    few = counts()
    one_of_each(6)
    for role, user in users.items():
        client = sign_in(Client(), user)
        client.get("/")
        with django_assert_max_num_queries(few[role]):
            assert client.get("/").status_code == 200


def test_the_schools_page_asks_as_many_queries_past_20_of_a_list_and_with_an_end_date_near(
    world, clock, user_with_role
):
    """The inclusion lead's page asks the same queries for one child in alternative
    provision, with no end date near, as for more than 20 children and plans to agree
    (how many in all is read with the first 20) and a placement ending within days (the
    school's calendar is read whatever the dates): the demo and a whole authority ask
    alike."""
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))

    def children(first: int, count: int, **fields) -> None:  # type: ignore[no-untyped-def]
        for n in range(first, first + count):
            pupil = make_pupil(world.school, legal_first_name="Child", legal_last_name=f"P{n:03d}")
            make_placement(world.school, world.provider, pupil=pupil, **fields)

    children(0, 1)
    client.get("/")  # the session, warmed
    few = queries_asked(client, ["/"], contains="Child P000")
    children(1, 21)
    children(22, 1, planned_end_date=TODAY + datetime.timedelta(days=3))

    assert (
        queries_asked(
            client,
            ["/"],
            contains=[
                "All 23 children in alternative provision today",
                "All 23 plans awaiting agreement",
                "Placement ending soon: Child P022",
            ],
        )
        == few
    )


@pytest.mark.parametrize("role", [Role.INCLUSION_LEAD, Role.HEADTEACHER])
def test_a_planned_placement_past_its_start_date_is_on_the_schools_list_until_started(
    role, world, clock, user_with_role
):
    """Nobody pressed "start": the child is on no register. The school is told every day
    until the placement is started (or ended as not started)."""
    placement = make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Lola", legal_last_name="Late"),
        status=Placement.Status.PLANNED,
        start_date=TODAY - datetime.timedelta(days=3),
    )
    client = sign_in(Client(), user_with_role(role))

    lists = work_list(client.get("/").content.decode())[Role(role).label]

    [(text, href)] = [item for item in lists.get("Placements", []) if "Lola Late" in item[0]]
    assert text == "Placement not started: Lola Late"
    assert_page(client.get(href), contains=["Lola Late"])
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.ACTIVE, start_date=TODAY, started_at=NOW
    )
    assert "Placement not started" not in client.get("/").content.decode()


def test_a_placement_due_to_start_today_and_not_started_is_on_the_home_page_and_the_board(
    world, clock, user_with_role
):
    """One rule for "not started" (placements.selectors.not_started_by): on its start day
    the child is due at the provider, so the home page says so as the compliance board
    does; the home page used to wait until the next day."""
    make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Tess", legal_last_name="Today"),
        status=Placement.Status.PLANNED,
        start_date=TODAY,
    )
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))

    lists = work_list(assert_page(client.get("/")))
    placements = lists[Role.INCLUSION_LEAD.label].get("Placements", [])
    assert [text for text, _href in placements if "Tess Today" in text] == [
        "Placement not started: Tess Today"
    ]
    assert_page(client.get(reverse("oversight:board")), contains="Tess Today")
