"""Where the registration-threshold warning is shown: the panel's decision page, the
provider's directory page and the home page of the LA's officers, admins and panel
chairs."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.directory.models import Registration
from apcase.directory.threshold import providers_near_threshold, warnings_for_pupil
from apcase.placements.tests.factories import make_placement
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.tests.factories import (
    complete_referral,
    make_meeting,
    make_panel,
    make_pupil,
    person,
    sitting_panel,
)
from conftest import sign_in
from tests.helpers import assert_page, travel_to

from .factories import ProviderProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tuition(world):
    ProviderProfileFactory(organisation=world.provider, registration=Registration.UNREGISTERED)
    return world.provider


def _fill(world, provider, n):  # type: ignore[no-untyped-def]
    """n pupils of compulsory school age placed full time (every session)."""
    for _ in range(n):
        make_placement(world.school, provider)


def test_the_panel_decision_page_warns_before_approving_a_placement_that_reaches_the_threshold(
    world, tuition, monkeypatch
):
    _fill(world, tuition, 4)
    panel = make_panel(world.la)
    chair, members = sitting_panel(world.la)
    meeting = make_meeting(panel, chair=chair, members=members)
    pupil = make_pupil(world.school, legal_first_name="Riley", legal_last_name="Stone")
    referral = complete_referral(pupil, signed_off_by=person(Role.HEADTEACHER, world.school))
    referral_workflow.submit_referral(referral, by=referral.created_by)
    travel_to(monkeypatch, meeting.date)  # the panel sits
    response = sign_in(Client(), chair).get(
        reverse("panel:decide_referral", args=[meeting.pk, referral.pk])
    )
    page = assert_page(response)
    assert 'id="registration-threshold-warning"' in page
    assert (
        "Milton Keynes Primary Referral Unit is not a registered school and teaches 4 "
        "full-time pupils of compulsory school age"
    ) in page
    assert "because it would teach 5 full-time pupils of compulsory school age" in page

    # Approving it anyway: the decision is recorded and the warning is said again.
    start = timezone.localdate() + datetime.timedelta(days=30)
    data = {
        "members_present": [chair.pk, *[m.pk for m in members]],
        "outcome": "approved",
        "reasons": "The only provider with a place this term.",
        "provider": tuition.pk,
        "provider_acceptance_reason": "Vetting confirmation requested; LA visit booked.",
        "site": "Main site",
        "sessions_per_week": "10",
        **{
            f"proposed_start_date_{i}": v
            for i, v in enumerate((start.day, start.month, start.year))
        },
        **{
            f"first_review_date_{i}": v
            for i, v in enumerate((start.day, start.month, start.year + 1))
        },
    }
    client = sign_in(Client(), chair)
    response = client.post(
        reverse("panel:decide_referral", args=[meeting.pk, referral.pk]), data, follow=True
    )
    page = assert_page(response)
    assert "Decision recorded." in page
    assert "With this placement it would have to register as an independent school" in page


def test_the_panel_page_does_not_warn_while_the_provider_stays_below_the_threshold(world, tuition):
    _fill(world, tuition, 3)
    pupil = make_pupil(world.school)
    assert warnings_for_pupil([tuition, world.other_provider], pupil) == []


def test_the_la_home_page_lists_providers_at_or_one_pupil_short_of_the_threshold(
    world, tuition, user_with_role
):
    _fill(world, tuition, 4)
    officer = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    response = officer.get("/")
    page = assert_page(response)
    assert "Registration threshold: Milton Keynes Primary Referral Unit" in page
    assert "One pupil short" in page
    assert "One more full-time pupil would take it to the registration threshold" in page

    _fill(world, tuition, 1)
    for role in (Role.LA_OFFICER, Role.LA_ADMIN, Role.PANEL_CHAIR):
        page = sign_in(Client(), user_with_role(role)).get("/").content.decode()
        assert "At the threshold" in page, role
        assert "It has reached the registration threshold" in page, role

    # Not for schools, nor for another LA's officers.
    for client in (
        sign_in(Client(), user_with_role(Role.SCHOOL_STAFF)),
        sign_in(Client(), user_with_role(Role.LA_OFFICER, world.other_la)),
    ):
        assert "Registration threshold" not in client.get("/").content.decode()


def test_the_home_page_says_nothing_for_a_registered_provider_or_one_far_below(world, tuition):
    _fill(world, tuition, 2)
    from apcase.accounts.models import Organisation

    assert providers_near_threshold(Organisation.objects.filter(pk=tuition.pk)) == []


def test_the_directory_page_shows_the_count_and_warns_one_pupil_short(
    world, tuition, user_with_role
):
    _fill(world, tuition, 4)
    response = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD)).get(
        f"/providers/{tuition.pk}/"
    )
    page = assert_page(response)
    assert 'id="registration-threshold-warning"' in page
    assert "teaches 4 full-time pupils of compulsory school age" in page
