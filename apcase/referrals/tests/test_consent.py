"""A referral shared although a parent refused consent: it names its lawful basis and
how the parents were told, and says so at the top for the headteacher and the panel."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.core.errors import ValidationFailed
from apcase.referrals import services, workflow
from apcase.referrals.models import Referral
from conftest import sign_in
from tests.helpers import assert_page

from .factories import (
    complete_referral,
    draft_referral,
    make_meeting,
    make_panel,
    make_pupil,
    person,
)

REFUSED = {
    "consent": Referral.Consent.REFUSED,
    "consent_given_by": "",
    "consent_given_on": None,
    "consent_recorded_how": "",
    "consent_not_obtained_reason": "His father does not want records shared.",
}
BASIS = {
    "sharing_basis": Referral.SharingBasis.PUBLIC_TASK,
    "sharing_basis_detail": "The panel cannot decide without the school's account.",
}
TOLD = {
    "parents_told_by": "Ada Inclusion, inclusion lead",
    "parents_told_on": datetime.date(2026, 10, 8),
    "parents_told_how": "Phone call, then a letter",
}


@pytest.fixture
def case(world):
    class Case:
        pass

    c = Case()
    make_panel(world.la)
    c.pupil = make_pupil(world.school, legal_first_name="Riley", legal_last_name="Stone")
    c.lead = person(Role.INCLUSION_LEAD, world.school)
    c.head = person(Role.HEADTEACHER, world.school)
    return c


def test_a_refused_referral_without_a_lawful_basis_is_not_submitted(case):
    referral = complete_referral(
        case.pupil, created_by=case.lead, signed_off_by=case.head, **REFUSED
    )
    with pytest.raises(ValidationFailed, match="lawful basis"):
        workflow.submit_referral(referral, by=case.lead)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT


def test_a_refused_referral_without_a_record_of_telling_the_parents_is_not_submitted(case):
    referral = complete_referral(
        case.pupil, created_by=case.lead, signed_off_by=case.head, **REFUSED, **BASIS
    )
    with pytest.raises(ValidationFailed, match="Enter who told the parents"):
        workflow.submit_referral(referral, by=case.lead)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT


def test_a_refused_referral_with_its_basis_and_the_parents_told_is_submitted(case):
    referral = complete_referral(
        case.pupil, created_by=case.lead, signed_off_by=case.head, **REFUSED, **BASIS, **TOLD
    )
    workflow.submit_referral(referral, by=case.lead)
    referral.refresh_from_db()
    assert referral.status in (Referral.Status.SUBMITTED, Referral.Status.SCHEDULED)


def test_the_section_form_refuses_a_refusal_without_a_basis_and_names_each_field(case):
    referral = draft_referral(case.pupil, created_by=case.lead)
    client = sign_in(Client(), case.lead)
    page = assert_page(
        client.post(
            reverse("referrals:section", args=[referral.pk, "parent-views"]),
            {
                "parent_views": "We do not want it shared.",
                "parent_views_gathered_how": "Phone call",
                "parent_views_gathered_on_0": "1",
                "parent_views_gathered_on_1": "10",
                "parent_views_gathered_on_2": "2026",
                "consent": "refused",
                "consent_not_obtained_reason": "Father does not agree.",
                "version": referral.version,
            },
        ),
        contains=[
            "Choose the lawful basis for sharing without consent.",
            "Explain why sharing without consent is necessary.",
            "Enter who told the parents that the information is being shared.",
            "Enter how the parents were told.",
        ],
    )
    assert "<title>Error:" in page
    referral.refresh_from_db()
    assert referral.consent == ""


def test_a_basis_is_not_kept_when_consent_is_given(case):
    referral = draft_referral(case.pupil, created_by=case.lead)
    services.update_section(
        referral,
        by=case.lead,
        section="parent-views",
        values={
            "parent_views": "Happy to share.",
            "parent_views_gathered_how": "Meeting",
            "parent_views_gathered_on": datetime.date(2026, 10, 1),
            "consent": Referral.Consent.GIVEN,
            "consent_given_by": "Jo Stone (mother)",
            "consent_given_on": datetime.date(2026, 10, 1),
            "consent_recorded_how": "Signed form",
            "consent_not_obtained_reason": "left over",
            **BASIS,
            **TOLD,
        },
        version=referral.version,
    )
    referral.refresh_from_db()
    assert (referral.sharing_basis, referral.parents_told_by, referral.parents_told_on) == (
        "",
        "",
        None,
    )
    assert referral.consent_not_obtained_reason == ""


WARNING = "A parent refused consent to share this referral."


def test_the_headteacher_signing_off_sees_that_consent_was_refused(case):
    referral = complete_referral(case.pupil, created_by=case.lead, **REFUSED, **BASIS, **TOLD)
    client = sign_in(Client(), case.head)
    assert_page(
        client.get(reverse("referrals:sign_off", args=[referral.pk])),
        contains=[
            WARNING,
            "Public task of the school and local authority",
            "Phone call, then a letter",
        ],
    )
    assert_page(client.get(reverse("referrals:detail", args=[referral.pk])), contains=WARNING)


def test_the_panel_sees_that_consent_was_refused(world, case):
    referral = complete_referral(
        case.pupil, created_by=case.lead, signed_off_by=case.head, **REFUSED, **BASIS, **TOLD
    )
    chair = person(Role.PANEL_CHAIR, world.la)
    meeting = make_meeting(referral.panel, chair=chair)
    workflow.submit_referral(referral, by=case.lead)
    referral.refresh_from_db()
    if referral.meeting_id is None:
        workflow.schedule_referral(referral, meeting=meeting, by=chair)
    referral.refresh_from_db()
    client = sign_in(Client(), chair)
    page = assert_page(
        client.get(reverse("referrals:detail", args=[referral.pk])), contains=WARNING
    )
    assert page.index(WARNING) < page.index("The written application")
    assert_page(
        client.get(reverse("panel:decide_referral", args=[referral.meeting_id, referral.pk])),
        contains=WARNING,
    )


def test_a_referral_with_consent_given_shows_no_warning(case):
    referral = complete_referral(case.pupil, created_by=case.lead)
    client = sign_in(Client(), case.head)
    assert_page(client.get(reverse("referrals:sign_off", args=[referral.pk])), lacks=WARNING)
