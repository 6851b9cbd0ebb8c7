"""The home page's reintegration items never hide work silently: past the number shown
of a kind, one more item says how many there are in all and links to the page that
lists every one."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from apcase.reintegration import attention
from apcase.reintegration.models import PlanStatus
from conftest import sign_in
from tests.helpers import assert_page

from .factories import make_plan, review_on

TODAY = timezone.localdate()
NAMES = ("Ada", "Bea", "Cal")
LATE_CAL = "Reintegration plan past its target date: Cal Late"


@pytest.fixture
def lead(world):
    return person(Role.INCLUSION_LEAD, world.school, full_name="Amara Okafor")


@pytest.fixture
def plans(world, lead, monkeypatch):
    """Three plans of each kind for the inclusion lead, with two shown of each kind."""
    monkeypatch.setattr(attention, "SHOWN", 2)
    made = []
    for kind, status, start in (
        ("Late", PlanStatus.ACTIVE, TODAY - datetime.timedelta(weeks=10)),
        ("Due", PlanStatus.ACTIVE, TODAY - datetime.timedelta(weeks=1)),
        ("Draft", PlanStatus.DRAFT, TODAY + datetime.timedelta(days=7)),
    ):
        for name in NAMES:
            pupil = make_pupil(world.school, legal_first_name=name, legal_last_name=kind)
            placement = make_placement(world.school, world.provider, pupil=pupil)
            plan = make_plan(placement, named_adult=lead, status=status, start_date=start)
            if kind == "Due":
                review_on(plan, TODAY)
            made.append(plan)
    return made


def test_past_the_number_shown_the_home_page_says_how_many_more_and_where(lead, plans):
    client = sign_in(Client(), lead)
    where = f'href="{reverse("reintegration:list")}"'
    page = assert_page(
        client.get(reverse("home")),
        contains=[
            "All 3 reintegration plans past their target date",
            "All 3 reintegration reviews due",
            "All 3 reintegration plans to agree",
            "The first 2 are listed above.",
            where,
        ],
    )
    # the third of each kind is on the list page, not here
    assert LATE_CAL not in page
    assert "Reintegration plan past its target date: Bea Late" in page
    page = assert_page(
        client.get(reverse("reintegration:list")),
        contains=[f"{name} {kind}" for kind in ("Late", "Due", "Draft") for name in NAMES],
    )
    for plan in plans:
        assert reverse("reintegration:detail", args=[plan.pk]) in page


def test_no_more_item_when_all_fit(lead, plans, monkeypatch):
    monkeypatch.setattr(attention, "SHOWN", 3)
    page = assert_page(sign_in(Client(), lead).get(reverse("home")), contains=LATE_CAL)
    assert "The first" not in page
    assert f'href="{reverse("reintegration:list")}"' not in page


def test_the_list_page_shows_only_the_users_own_work(world, plans):
    other = person(Role.INCLUSION_LEAD, world.other_school)
    page = assert_page(
        sign_in(Client(), other).get(reverse("reintegration:list")),
        contains="Nothing about reintegration plans needs you now.",
    )
    assert "Ada Late" not in page


def test_reading_the_list_page_is_access_logged(lead, plans):
    # It names every child with a plan late, due a review or to agree: a read of many
    # pupils' plans, logged as reading one plan is.
    assert_page(sign_in(Client(), lead).get(reverse("reintegration:list")), contains="Ada Late")
    assert AccessLogEntry.objects.filter(
        action="reintegration.work_list_viewed", actor_id=lead.pk
    ).exists()


def test_a_plan_whose_named_adult_left_a_school_with_no_inclusion_lead_reaches_the_head(world):
    """A school with no inclusion lead: the headteacher stands in
    (placements.watch.stand_ins), so a plan past its target date, or a review point due,
    whose named adult has left is on the headteacher's home page and list, not nobody's."""
    from apcase.accounts.models import Membership
    from apcase.reintegration import selectors

    head = person(Role.HEADTEACHER, world.school, full_name="Hana Head")
    adult = person(Role.SCHOOL_STAFF, world.school, full_name="Sam Staff")
    pupil = make_pupil(world.school, legal_first_name="Cal", legal_last_name="Late")
    placement = make_placement(world.school, world.provider, pupil=pupil)
    start = TODAY - datetime.timedelta(weeks=10)
    plan = make_plan(placement, named_adult=adult, status=PlanStatus.ACTIVE, start_date=start)
    review_on(plan, TODAY)
    Membership.objects.filter(user=adult).update(is_active=False)

    assert list(selectors.past_target_for(head, TODAY)) == [plan]
    assert [p.plan for p in selectors.reviews_due_for(head, TODAY)] == [plan]
    client = sign_in(Client(), head)
    assert_page(client.get(reverse("home")), contains=[LATE_CAL])
    assert_page(client.get(reverse("reintegration:list")), contains=["Cal Late"])


DRAFT_CAL = "Reintegration plan to agree: Cal Draft"


@pytest.mark.parametrize("stand_in_role", [Role.INCLUSION_LEAD, Role.HEADTEACHER])
def test_a_draft_whose_named_adult_left_is_on_the_stand_ins_list_to_agree(world, stand_in_role):
    """A draft plan waits for its named adult to agree it. Once they no longer work at
    the school it waits for nobody unless whoever stands in there (the inclusion lead,
    or at a school with none the headteacher) is asked to agree it: on their home page
    and the list. A draft whose named adult still works there stays theirs alone."""
    from apcase.accounts.models import Membership
    from apcase.reintegration import selectors

    stand_in = person(stand_in_role, world.school, full_name="Hana Stand")
    gone = person(Role.SCHOOL_STAFF, world.school, full_name="Sam Gone")
    here = person(Role.SCHOOL_STAFF, world.school, full_name="Pat Here")
    start = TODAY + datetime.timedelta(days=7)
    plans = {}
    for adult, last_name in ((gone, "Draft"), (here, "Kept")):
        pupil = make_pupil(world.school, legal_first_name="Cal", legal_last_name=last_name)
        placement = make_placement(world.school, world.provider, pupil=pupil)
        plans[last_name] = make_plan(
            placement, named_adult=adult, status=PlanStatus.DRAFT, start_date=start
        )
    Membership.objects.filter(user=gone).update(is_active=False)

    assert list(selectors.drafts_for(stand_in)) == [plans["Draft"]]
    assert list(selectors.drafts_for(here)) == [plans["Kept"]]
    client = sign_in(Client(), stand_in)
    assert_page(client.get(reverse("home")), contains=[DRAFT_CAL])
    assert_page(client.get(reverse("reintegration:list")), contains=["Cal Draft"])


def test_at_a_school_with_no_planner_left_the_las_officer_is_given_the_plans_not_the_dsl(world):
    """At a school where nobody holds the inclusion lead's or the headteacher's role,
    the DSL (who stands in to be told) may not agree or review a plan
    (policies.can_manage_reintegration). A plan whose named adult has left goes to the
    authority's officers instead: its draft to agree, its review point due, its target
    date passed; never to someone who cannot act on it, never to nobody."""
    from apcase.access import policies
    from apcase.accounts.models import Membership
    from apcase.placements.models import Placement
    from apcase.reintegration import selectors

    dsl = person(Role.SCHOOL_DSL, world.school, full_name="Dana Safe")
    officer = person(Role.LA_OFFICER, world.la, full_name="Olu Officer")
    other_officer = person(Role.LA_OFFICER, world.other_la, full_name="Ola Elsewhere")
    gone = person(Role.SCHOOL_STAFF, world.school, full_name="Sam Gone")
    made = {}
    for last_name, status, start in (
        ("Draft", PlanStatus.DRAFT, TODAY + datetime.timedelta(days=7)),
        ("Late", PlanStatus.ACTIVE, TODAY - datetime.timedelta(weeks=10)),
    ):
        pupil = make_pupil(world.school, legal_first_name="Cal", legal_last_name=last_name)
        placement = make_placement(
            world.school, world.provider, pupil=pupil, arranged_by=Placement.ArrangedBy.LA
        )
        made[last_name] = make_plan(placement, named_adult=gone, status=status, start_date=start)
    review_on(made["Late"], TODAY)
    Membership.objects.filter(user=gone).update(is_active=False)

    assert list(selectors.drafts_for(dsl)) == []
    assert list(selectors.past_target_for(dsl, TODAY)) == []
    assert list(selectors.drafts_for(officer)) == [made["Draft"]]
    assert list(selectors.past_target_for(officer, TODAY)) == [made["Late"]]
    assert [p.plan for p in selectors.reviews_due_for(officer, TODAY)] == [made["Late"]]
    assert policies.can_manage_reintegration(officer, made["Draft"].placement)
    assert list(selectors.drafts_for(other_officer)) == []  # another authority's school
    home = assert_page(sign_in(Client(), officer).get(reverse("home")))
    assert DRAFT_CAL in home
    assert LATE_CAL in home
