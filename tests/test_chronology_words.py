"""The chronology says what changed, in words, for events of every app: the field's
label from its model, the values formatted (dates as the service writes them, choices
by their label, yes or no, the person a reference names), free text not repeated."""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.selectors import pupil_chronology
from apcase.chronology.services import record_event
from apcase.core.words import govuk_date
from apcase.monitoring.audit import MonitoringAction
from apcase.placements import workflow
from apcase.placements.tests.factories import make_placement
from apcase.pupils import services as pupil_services
from apcase.referrals.audit import ReferralAction
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def _changes(pupil):  # type: ignore[no-untyped-def]
    return [
        line
        for entry in pupil_chronology(pupil.pk, include_child_protection=False)
        for line in entry.changed
    ]


def test_each_change_is_told_in_words_whichever_app_recorded_it(world):
    pupil = make_pupil(world.school, legal_first_name="Ada", nc_year="5")
    lead = person(Role.INCLUSION_LEAD, world.school, full_name="Nadia Pemberton")
    # pupils: a choice by its label, a yes or no, a name
    pupil = pupil_services.update_pupil(
        by=lead,
        pupil=pupil,
        version=pupil.version,
        values={"nc_year": "6", "free_school_meals": True, "preferred_name": "Addie"},
    )
    # placements: a date moved later
    placement = make_placement(world.school, world.provider, pupil=pupil)
    before = placement.planned_end_date
    after = before + datetime.timedelta(weeks=6)
    workflow.extend_placement(placement, by=lead, new_end_date=after, reason="Needs a term more")
    visit_day = timezone.localdate() + datetime.timedelta(days=3)
    recorded = [
        # monitoring: a status by its label, a date set where there was none
        (
            MonitoringAction.FOLLOW_UP_CLOSED,
            ("monitoring.followuptask", 1),
            {"status": ["open", "closed"]},
        ),
        (
            MonitoringAction.VISIT_SCHEDULED,
            ("monitoring.visit", 1),
            {"scheduled_for": [None, visit_day.isoformat()]},
        ),
        # referrals: free text is not repeated
        (
            ReferralAction.SECTION_UPDATED,
            ("referrals.referral", 1),
            {"withdrawal_reason": ["Old words", "New words about the child"]},
        ),
        # placements: the person a reference names; a list removed
        (
            MonitoringAction.VISIT_SCHEDULED,
            placement,
            {
                "named_staff_member": [None, str(lead.pk)],
                "sites": [["1"], None],
                "provider": [None, "Bridge Academy"],
                "status": [None, {"odd": "shape"}],
            },
        ),
    ]
    with transaction.atomic():
        for action, target, changes in recorded:
            record_event(by=lead, action=action, target=target, pupil_id=pupil.pk, changes=changes)
    lines = _changes(pupil)
    assert "National curriculum year changed from Year 5 to Year 6" in lines
    assert "Free school meals changed from no to yes" in lines
    assert "Preferred name: Addie" in lines
    assert f"Planned end date changed from {govuk_date(before)} to {govuk_date(after)}" in lines
    assert "Status changed from Open to Closed" in lines
    assert f"Scheduled for: {govuk_date(visit_day)}" in lines
    assert "Withdrawal reason changed" in lines
    assert any(line.startswith("Named staff member: Nadia Pemberton") for line in lines)
    assert "Sites removed" in " ".join(lines)
    assert "Provider: Bridge Academy" in lines  # a reference recorded by its name
    assert "Status changed" in lines  # a value of a shape nobody foresaw is named
    for line in lines:
        assert "_" not in line, line
        assert not line.startswith("Changed:"), line
        assert "New words about the child" not in line


def test_the_chronology_page_lists_the_changes_in_words(world):
    pupil = make_pupil(world.school, legal_first_name="Ada", nc_year="5")
    dsl = person(Role.SCHOOL_DSL, world.school)
    pupil_services.update_pupil(by=dsl, pupil=pupil, version=pupil.version, values={"nc_year": "6"})
    page = assert_page(
        sign_in(Client(), dsl).get(reverse("pupils:chronology", args=[pupil.pk])),
        contains="National curriculum year changed from Year 5 to Year 6",
        lacks="Changed: nc year",
    )
    assert "Changed:" not in page
