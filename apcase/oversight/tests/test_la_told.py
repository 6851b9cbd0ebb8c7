"""The LA knows of every placement a school commissions without the panel: its
officers are told when the school arranges it, when is recorded, and the LA's board
shows the placement marked as school-commissioned with that date."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.notifications.models import Notification
from apcase.placements import workflow
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from apcase.referrals.tests.test_emergency import arrange, scene  # noqa: F401 - a fixture
from conftest import sign_in
from tests.helpers import assert_page

URL = reverse("oversight:board")


def _board_of(user):  # type: ignore[no-untyped-def]
    from django.test import Client

    response = sign_in(Client(), user).get(URL)
    assert_page(response)
    return response.content.decode()


def _plan_by_the_school(world, pupil, head):  # type: ignore[no-untyped-def]
    return workflow.create_planned_placement(
        by=head,
        pupil=pupil,
        terms=workflow.PlacementTerms(
            provider=world.provider,
            start_date=timezone.localdate() + datetime.timedelta(days=7),
            sessions_per_week=4,
            first_review_date=None,
        ),
        commissioning=workflow.Commissioning(
            arranged_by=Placement.ArrangedBy.SCHOOL,
            power=Placement.CommissioningPower.SCHOOL_OFF_SITE,
        ),
    )


def test_an_off_site_direction_tells_the_la_and_shows_on_its_board(world):
    officer = person(Role.LA_OFFICER, world.la)
    head = person(Role.HEADTEACHER, world.school)
    pupil = make_pupil(world.school, legal_first_name="Ivo", legal_last_name="Direct")
    placement = _plan_by_the_school(world, pupil, head)

    placement.refresh_from_db()
    assert placement.la_notified_at is not None
    alert = Notification.objects.get(recipient=officer)
    assert "Placement commissioned by a school" in alert.subject
    assert "off-site direction" in alert.body
    assert alert.link == reverse("placements:detail", args=[placement.pk])

    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.ACTIVE)
    text = _board_of(officer)
    assert "Ivo Direct" in text
    assert "School-commissioned" in text
    told = timezone.localtime(placement.la_notified_at)
    assert f"The local authority was told on {told:%-d %B %Y}." in text


def test_with_no_officer_to_tell_the_board_says_the_la_was_not_told(world):
    head = person(Role.HEADTEACHER, world.school)
    placement = _plan_by_the_school(world, make_pupil(world.school), head)
    placement.refresh_from_db()
    assert placement.la_notified_at is None
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.ACTIVE)
    chair = person(Role.PANEL_CHAIR, world.la)
    text = _board_of(chair)
    assert "LA not told" in text
    assert "no record that the local authority was told" in text


def test_an_emergency_placement_the_school_arranged_records_when_the_la_was_told(
    world,
    scene,  # noqa: F811 - the fixture imported above
):
    officer = person(Role.LA_OFFICER, world.la)
    emergency = arrange(scene.head, scene.pupil, world.provider)
    placement = Placement.objects.get(pk=emergency.placement_id)
    assert placement.arranged_by == Placement.ArrangedBy.SCHOOL
    assert placement.la_notified_at is not None
    # One notice, the emergency route's own: not a second message.
    assert Notification.objects.filter(recipient=officer).count() == 1
    text = _board_of(officer)
    assert "School-commissioned" in text


def test_a_placement_the_la_arranged_needs_no_notice(world):
    officer = person(Role.LA_OFFICER, world.la)
    placement = make_placement(world.school, world.provider, arranged_by=Placement.ArrangedBy.LA)
    assert placement.la_notified_at is None
    text = _board_of(officer)
    assert "LA not told" not in text
    assert "Local authority" in text


@pytest.mark.parametrize("role", [Role.INCLUSION_LEAD])
def test_the_school_sees_the_same_mark(world, role):
    person(Role.LA_OFFICER, world.la)
    head = person(Role.HEADTEACHER, world.school)
    placement = _plan_by_the_school(world, make_pupil(world.school), head)
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.ACTIVE)
    text = _board_of(person(role, world.school))
    assert "School-commissioned" in text


def test_a_placement_corrected_to_the_schools_own_tells_the_la(world):
    """An LA-arranged placement corrected to one the school commissioned without the
    panel is such a placement from then on: the LA's officers are told, and the board
    says when, rather than "LA not told" with nobody ever telling them."""
    from apcase.placements import services

    officer = person(Role.LA_OFFICER, world.la)
    head = person(Role.HEADTEACHER, world.school)
    placement = make_placement(
        world.school, world.provider, arranged_by="la", commissioning_power="s19"
    )
    assert placement.la_notified_at is None
    services.correct_commissioning(
        placement,
        by=head,
        arranged_by="school",
        commissioning_power="school_ap",
        reason="The school arranged it under its AP policy",
    )
    placement.refresh_from_db()
    assert placement.la_notified_at is not None
    alert = Notification.objects.get(recipient=officer)
    assert "Placement commissioned by a school" in alert.subject
    text = _board_of(officer)
    assert "School-commissioned" in text
    assert "LA not told" not in text
