"""Pages that list a school's referrals or a referral's decisions read a fixed number of
queries however many there are: counted with one, then held to that count with four."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.panel.models import PanelDecision
from apcase.pupils.models import Carer
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import (
    draft_referral,
    make_meeting,
    make_panel,
    make_pupil,
    person,
)
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert_page(client.get(url))
    return len(queries)


def test_the_school_home_page_reads_the_same_queries_for_one_draft_referral_or_four(
    world, django_assert_max_num_queries
):
    lead = person(Role.INCLUSION_LEAD, world.school)
    client = sign_in(Client(), lead)
    draft_referral(make_pupil(world.school, legal_first_name="Ada"), created_by=lead)
    with_one = _queries(client, reverse("home"))
    for name in ("Bea", "Cy", "Dot"):
        draft_referral(make_pupil(world.school, legal_first_name=name), created_by=lead)
    with django_assert_max_num_queries(with_one):
        page = assert_page(client.get(reverse("home")))
    for name in ("Ada", "Bea", "Cy", "Dot"):
        assert f"Continue the referral for {name} Example" in page


def test_the_referral_page_reads_the_same_queries_for_one_decision_or_four(
    world, django_assert_max_num_queries
):
    pupil = make_pupil(world.school, legal_first_name="Riley")
    Carer.objects.create(pupil=pupil, name="Jo Example", relationship="Mother",
                         parental_responsibility=True, address="1 High Street")  # fmt: skip
    referral = draft_referral(pupil, status=Referral.Status.DEFERRED)
    meeting = make_meeting(make_panel(world.la))
    officer = person(Role.LA_OFFICER, world.la)

    def decide(reasons: str) -> None:
        PanelDecision.objects.create(
            meeting=meeting,
            referral=referral,
            outcome=PanelDecision.Outcome.DEFERRED,
            reasons=reasons,
            recorded_by=officer,
        )

    decide("Deferred for the first time.")
    client = sign_in(Client(), person(Role.INCLUSION_LEAD, world.school))
    url = reverse("referrals:detail", args=[referral.pk])
    with_one = _queries(client, url)
    for n in range(3):
        decide(f"Deferred again ({n}).")
    with django_assert_max_num_queries(with_one):
        page = assert_page(client.get(url))
    assert "Deferred for the first time." in page
    assert "Deferred again (2)." in page


def test_the_la_home_page_reads_the_same_queries_for_one_decision_awaiting_letters_or_four(
    world, django_assert_max_num_queries
):
    meeting = make_meeting(make_panel(world.la))
    officer = person(Role.LA_OFFICER, world.la)

    def decided(name: str) -> None:
        pupil = make_pupil(world.school, legal_first_name=name)
        Carer.objects.create(pupil=pupil, name=f"Parent of {name}", relationship="Mother",
                             parental_responsibility=True, address="1 High Street")  # fmt: skip
        PanelDecision.objects.create(
            meeting=meeting,
            referral=draft_referral(pupil, status=Referral.Status.DECLINED),
            outcome=PanelDecision.Outcome.DECLINED,
            reasons="Needs are met at school.",
            recorded_by=officer,
        )

    decided("Ada")
    client = sign_in(Client(), officer)
    with_one = _queries(client, reverse("home"))
    for name in ("Bea", "Cy", "Dot"):
        decided(name)
    with django_assert_max_num_queries(with_one):
        page = assert_page(client.get(reverse("home")))
    for name in ("Ada", "Bea", "Cy", "Dot"):
        assert f"Send the decision letters for {name} Example" in page
        assert f"(Parent of {name})" in page


def test_the_referral_page_reads_as_many_queries_for_one_intervention_and_document_or_four(
    world,
):
    """The LA officer's page of a submitted referral: the interventions and documents it
    lists (and the task list asks about) are read once each, with the referral."""
    from django.utils import timezone

    from apcase.referrals.models import Intervention, ReferralDocument
    from apcase.referrals.tests.factories import complete_referral

    referral = complete_referral(make_pupil(world.school, legal_first_name="Riley"))
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.SUBMITTED, submitted_at=timezone.now()
    )
    client = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    url = reverse("referrals:detail", args=[referral.pk])
    assert_page(client.get(url))  # warm the session and membership caches
    with_one = _queries(client, url)
    intervention = Intervention.objects.get(referral=referral)
    document = ReferralDocument.objects.get(referral=referral)
    for n in range(3):
        Intervention.objects.create(
            referral=referral,
            description=f"Mentoring, term {n}",
            started_on=intervention.started_on,
            outcome="Some help.",
        )
        ReferralDocument.objects.create(
            referral=referral,
            title=f"Report {n}",
            original_name=f"report-{n}.pdf",
            stored_path=document.stored_path,
            extension="pdf",
            size=document.size,
            uploaded_by=referral.created_by,
        )
    assert _queries(client, url) == with_one
    with CaptureQueriesContext(connection) as ran:
        page = assert_page(client.get(url))
    assert "Mentoring, term 2" in page
    assert "Report 2" in page
    for table in ("referrals_intervention", "referrals_referraldocument"):
        reads = [q for q in ran.captured_queries if f'FROM "{table}"' in q["sql"]]
        assert len(reads) == 1, table
