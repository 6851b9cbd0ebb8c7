import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from psycopg import sql

from apcase.accounts.roles import Role
from apcase.core.pagination import PAGE_SIZE
from apcase.placements.tests.factories import make_placement
from apcase.pupils.models import Pupil
from apcase.referrals import selectors
from apcase.referrals.models import Referral

from .factories import (
    complete_referral,
    draft_referral,
    make_emergency,
    make_meeting,
    make_panel,
    make_pupil,
    person,
)


def _visible(user):
    scope = selectors.panel_pupil_scope(user)
    return set() if scope is None else set(Pupil.objects.filter(scope).distinct())


@pytest.fixture
def referred(world):
    pupil = make_pupil(world.school)
    referral = complete_referral(pupil)
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.SUBMITTED, submitted_at=timezone.now()
    )
    return pupil


def test_panel_roles_see_pupils_referred_to_their_panel(world, referred):
    for role in (Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LA_OFFICER):
        assert _visible(person(role, world.la)) == {referred}


def test_drafts_and_other_las_and_other_roles_see_no_pupils(world, referred):
    draft_referral(make_pupil(world.school))
    assert _visible(person(Role.PANEL_MEMBER, world.other_la)) == set()
    assert _visible(person(Role.LA_ADMIN, world.la)) == set()
    assert selectors.panel_pupil_scope(person(Role.PROVIDER_MANAGER, world.provider)) is None
    assert _visible(person(Role.LA_OFFICER, world.la)) == {referred}


def test_the_school_sees_its_drafts_but_the_la_does_not(world):
    referral = draft_referral(make_pupil(world.school))
    lead = person(Role.INCLUSION_LEAD, world.school)
    officer = person(Role.LA_OFFICER, world.la)
    assert list(selectors.referrals_visible_to(lead)) == [referral]
    assert list(selectors.referrals_visible_to(officer)) == []
    assert list(selectors.referrals_visible_to(person(Role.SCHOOL_STAFF, world.school))) == []


def test_a_pupil_referred_twice_and_placed_in_an_emergency_is_listed_once_for_the_la(
    world, referred, client_for
):
    again = complete_referral(referred)
    Referral.objects.filter(pk=again.pk).update(
        status=Referral.Status.SUBMITTED, submitted_at=timezone.now()
    )
    placement = make_placement(world.school, world.provider, pupil=referred)
    make_emergency(placement, make_meeting(again.panel))
    response = client_for(Role.LA_OFFICER).get(reverse("pupils:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(f'href="/pupils/{referred.pk}/"') == 1
    assert "1 pupil" in html


def test_the_la_list_holds_pupils_referred_and_pupils_only_placed_in_an_emergency(
    world, referred, client_for
):
    """The panel's scope is one set of pupils from two sources: a pupil placed in an
    emergency with no referral is listed beside a referred one, a pupil of the same
    school neither referred nor placed is not."""
    placed = make_pupil(world.school, legal_first_name="Emery")
    make_emergency(
        make_placement(world.school, world.provider, pupil=placed),
        make_meeting(make_panel(world.la)),
    )
    make_pupil(world.school, legal_first_name="Unseen")
    response = client_for(Role.LA_OFFICER).get(reverse("pupils:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/pupils/{referred.pk}/"' in html
    assert f'href="/pupils/{placed.pk}/"' in html
    assert "Unseen" not in html
    assert "2 pupils" in html


def test_the_la_pupil_list_reads_as_many_queries_for_60_referred_pupils_as_for_3(world, client_for):
    """The LA's officer sees the pupils referred to the LA's panel, a page at a time in
    name order: the list's queries do not grow with them."""

    def refer(count: int, start: int) -> None:
        for n in range(start, start + count):
            pupil = make_pupil(
                world.school, legal_first_name="Referred", legal_last_name=f"N{n:03d}"
            )
            Referral.objects.filter(pk=draft_referral(pupil).pk).update(
                status=Referral.Status.SUBMITTED, submitted_at=timezone.now()
            )

    def queries(page: str) -> int:
        with CaptureQueriesContext(connection) as ran:
            assert client.get(reverse("pupils:list"), {"page": page}).status_code == 200
        return len(ran)

    client = client_for(Role.LA_OFFICER)
    refer(3, 0)
    assert client.get(reverse("pupils:list")).status_code == 200  # warm the caches
    few = queries("1")
    refer(57, 3)
    assert queries("1") == few
    assert queries("2") == few
    response = client.get(reverse("pupils:list"), {"page": "2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Showing {PAGE_SIZE + 1} to 60 of 60 pupils" in html
    names = re.findall(r'href="/pupils/\d+/">([^<]+)</a>', html.split("<tbody", 1)[1])
    assert names == [f"Referred N{n:03d}" for n in range(PAGE_SIZE, 60)]


OPEN_INDEX = "open_referrals_by_panel"


def test_the_open_referrals_index_leaves_out_exactly_the_statuses_the_workflow_ends_in():
    """The partial index holds the referrals the list shows by default: a status added
    to the workflow, or one that no longer ends it, must change the index with it."""
    index = next(i for i in Referral._meta.indexes if i.name == OPEN_INDEX)
    ((lookup, statuses),) = index.condition.children
    assert index.condition.negated
    assert lookup == "status__in"
    assert set(statuses) == set(Referral.Status.values) - set(selectors.OPEN_STATUSES)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_la_list_can_count_its_open_referrals_from_their_own_index(world):
    """PostgreSQL uses a partial index only where it can prove the query's condition
    implies the index's: the count the LA's list makes (the open referrals of its
    panels) must be one it can, or the count reads every referral ever closed."""
    make_panel(world.la)
    officer = person(Role.LA_OFFICER, world.la)
    with CaptureQueriesContext(connection) as ran:
        selectors.referral_list_for(officer).count()
    (count,) = [q["sql"] for q in ran.captured_queries if "COUNT(*)" in q["sql"]]
    with connection.cursor() as cursor:
        # Too few rows for the planner to prefer the index on its own: only whether it
        # may use it is asked here (the benchmark's EXPLAIN shows it chosen at scale).
        # The table's other indexes are dropped inside the test's transaction, which is
        # rolled back, and reading the whole table is priced out: the plan then names
        # the partial index if, and only if, the planner can prove the count's
        # condition implies the index's.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s "
            "AND indexdef NOT LIKE %s",
            [Referral._meta.db_table, OPEN_INDEX, "CREATE UNIQUE%"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {count}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert OPEN_INDEX in plan, plan
