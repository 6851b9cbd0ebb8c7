"""The panel's decision records who commissions the placement (the school by default:
under a school's AP policy the school applies and stays the commissioner) and under
which power; the placement it creates takes both, and with them B or K."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.core.errors import ValidationFailed
from apcase.panel import services
from apcase.panel.models import PanelDecision
from apcase.placements import plan
from apcase.placements.models import Placement
from conftest import sign_in

TODAY = timezone.localdate()


def _approve(world, s, **commissioning):
    return services.record_decision(
        by=s.chair,
        meeting=s.meeting,
        item=s.referral,
        members_present=[s.chair, *s.members],
        outcome="approved",
        reasons="A short placement will help.",
        terms=services.ApprovalTerms(
            provider=world.provider,
            provider_acceptance_reason="Known local PRU.",
            proposed_start_date=TODAY + datetime.timedelta(days=30),
            sessions_per_week=5,
            first_review_date=TODAY + datetime.timedelta(days=72),
            **commissioning,
        ),
    )


def test_an_approval_is_commissioned_by_the_school_by_default_so_b(world, scene):
    decision = _approve(world, scene)
    assert (decision.commissioned_by, decision.commissioning_power) == ("school", "school_ap")
    placement = Placement.objects.get(pupil=scene.pupil)
    assert (placement.arranged_by, placement.commissioning_power) == ("school", "school_ap")
    assert plan.home_school_code(placement).code == "B"


def test_an_approval_the_la_commissions_under_s19_is_k(world, scene):
    _approve(world, scene, commissioned_by="la", commissioning_power="s19")
    placement = Placement.objects.get(pupil=scene.pupil)
    assert (placement.arranged_by, placement.commissioning_power) == ("la", "s19")
    assert plan.home_school_code(placement).code == "K"


def test_a_power_that_does_not_fit_the_commissioner_is_refused(world, scene):
    with pytest.raises(ValidationFailed) as error:
        _approve(world, scene, commissioned_by="school", commissioning_power="s19")
    assert "commissioning_power" in error.value.errors
    assert not PanelDecision.objects.exists()
    assert not Placement.objects.filter(pupil=scene.pupil).exists()


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_decision_page_asks_who_commissions_and_the_decision_shows_it(world, scene):
    client = sign_in(Client(), scene.chair)
    url = reverse("panel:decide_referral", args=[scene.meeting.pk, scene.referral.pk])
    page = client.get(url).content.decode()
    assert "Who commissions the placement?" in page
    start = TODAY + datetime.timedelta(days=30)
    response = client.post(
        url,
        {
            "members_present": [scene.chair.pk, *[m.pk for m in scene.members]],
            "outcome": "approved",
            "reasons": "A short placement meets his needs.",
            "provider": world.provider.pk,
            "provider_acceptance_reason": "Known local PRU.",
            "sessions_per_week": "5",
            **_date("proposed_start_date", start),
            **_date("first_review_date", start + datetime.timedelta(days=42)),
            "commissioned_by": "la",
            "commissioning_power": "ehcp",
        },
    )
    assert response.status_code == 302
    decision = PanelDecision.objects.get()
    page = client.get(reverse("panel:decision_detail", args=[decision.pk])).content.decode()
    assert "Local authority, under Local authority: provision in an EHC plan" in page
    assert Placement.objects.get(pupil=scene.pupil).arranged_by == "la"


def test_an_approval_names_the_referrals_author_only_while_they_work_at_the_school(world, scene):
    from apcase.accounts.models import Membership

    author = scene.referral.created_by
    Membership.objects.filter(user=author, organisation=world.school).update(is_active=False)
    _approve(world, scene)
    placement = Placement.objects.get(pupil=scene.pupil)
    assert placement.named_staff_member is None
    # ...and so the plan asks for someone before the placement can start.
    assert any("named member" in m for m in plan.missing_before_start(placement))


def test_an_approval_names_the_referrals_author_who_still_works_there(world, scene):
    _approve(world, scene)
    assert Placement.objects.get(pupil=scene.pupil).named_staff_member == scene.referral.created_by
