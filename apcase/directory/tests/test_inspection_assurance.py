"""A provider whose latest Ofsted inspection found it Inadequate (legacy scale; GIAS's
"Special Measures" and "Serious Weaknesses" included) or judged safeguarding not met
(report card) is "not assured", and every place that shows assurance says why."""

from datetime import date

import pytest
from django.test import Client

from apcase.accounts.models import Organisation
from apcase.accounts.roles import Role
from apcase.directory import services
from apcase.directory.assurance import summary_for, with_assurance
from apcase.directory.forms import ProviderChoiceField
from apcase.directory.models import Inspection
from apcase.directory.selectors import provider_is_assured, provider_options_for_placement
from conftest import sign_in
from tests.helpers import assert_page

from .factories import assure_fully
from .test_gias import _csv, _import, _table

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


def _db_row(provider: Organisation) -> Organisation:
    return with_assurance(Organisation.objects.filter(pk=provider.pk), today=TODAY).get()


@pytest.mark.parametrize("rating", ["Special Measures", "Serious Weaknesses"])
def test_a_gias_ofsted_category_of_concern_is_imported_as_inadequate_and_makes_the_provider_not_assured(
    world, user_with_role, rating
):
    header, rows = _table()
    pru = rows[1]  # Kingfisher Pupil Referral Unit, URN 990002, LA 826
    pru[header.index("OfstedRating (name)")] = rating
    pru[header.index("OfstedLastInsp")] = "12-02-2024"
    result = _import(_csv(header, rows))
    assert result.applied
    provider = Organisation.objects.get(urn=990002)
    inspection = Inspection.objects.get(organisation=provider)
    assert (inspection.scale, inspection.overall_grade) == ("legacy", "inadequate")
    # Everything else is in date: only the inspection makes it not assured.
    assure_fully(provider, expires_on=date(2030, 1, 1))
    summary = summary_for(provider, today=TODAY)
    assert summary.not_assured is True
    assert summary.reasons == ("latest Ofsted grade Inadequate (inspected 12 February 2024)",)
    assert _db_row(provider).not_assured is True
    assert provider_is_assured(provider, today=TODAY) is False

    lead = user_with_role(Role.INCLUSION_LEAD)
    client = sign_in(Client(), lead)
    response = client.get(f"/providers/{provider.pk}/")
    page = assert_page(response)
    assert "Not assured: latest Ofsted grade Inadequate (inspected 12 February 2024)" in page
    response = client.get("/providers/?assurance=not_assured")
    page = assert_page(response)
    assert "Kingfisher Pupil Referral Unit" in page
    assert "latest Ofsted grade Inadequate (inspected 12 February 2024)" in page

    field = ProviderChoiceField(queryset=provider_options_for_placement(lead, today=TODAY))
    labels = [label for _, label in field.choices]
    assert (
        "Kingfisher Pupil Referral Unit – not assured: "
        "latest Ofsted grade Inadequate (inspected 12 February 2024)"
    ) in labels


def test_a_good_or_unknown_gias_rating_does_not_make_the_provider_not_assured(world):
    header, rows = _table()
    rows[1][header.index("OfstedRating (name)")] = "Not yet inspected"
    _import(_csv(header, rows))
    provider = Organisation.objects.get(urn=990002)
    assert not Inspection.objects.filter(organisation=provider).exists()
    assure_fully(provider, expires_on=date(2030, 1, 1))
    assert summary_for(provider, today=TODAY).not_assured is False
    assert _db_row(provider).not_assured is False


def test_a_report_card_with_safeguarding_not_met_makes_the_provider_not_assured_until_a_later_inspection(
    world, user_with_role
):
    officer = user_with_role(Role.LA_OFFICER)
    assure_fully(world.provider, expires_on=date(2030, 1, 1))
    services.record_inspection(
        by=officer,
        provider=world.provider,
        scale="report_card",
        inspected_on=date(2026, 1, 14),
        area_grades={"inclusion": "expected"},
        safeguarding_met=False,
        today=TODAY,
    )
    reason = "latest Ofsted report card: safeguarding not met (inspected 14 January 2026)"
    assert summary_for(world.provider, today=TODAY).reasons == (reason,)
    assert _db_row(world.provider).not_assured is True
    page = (
        sign_in(Client(), user_with_role(Role.SCHOOL_STAFF))
        .get(f"/providers/{world.provider.pk}/")
        .content.decode()
    )
    assert f"Not assured: {reason}" in page

    # A monitoring inspection a month later finds safeguarding met: it replaces the last.
    services.record_inspection(
        by=officer,
        provider=world.provider,
        scale="report_card",
        inspected_on=date(2026, 2, 20),
        area_grades={"inclusion": "expected"},
        safeguarding_met=True,
        today=TODAY,
    )
    assert summary_for(world.provider, today=TODAY).not_assured is False
    assert _db_row(world.provider).not_assured is False


def test_an_older_inadequate_legacy_grade_is_replaced_by_a_later_report_card():
    from apcase.accounts.tests.factories import ProviderFactory

    provider = ProviderFactory()
    assure_fully(provider, expires_on=date(2030, 1, 1))
    Inspection.objects.create(
        organisation=provider,
        scale="legacy",
        inspected_on=date(2023, 5, 1),
        overall_grade="inadequate",
    )
    assert summary_for(provider, today=TODAY).not_assured is True
    Inspection.objects.create(
        organisation=provider,
        scale="report_card",
        inspected_on=date(2025, 12, 1),
        area_grades={"inclusion": "expected"},
        safeguarding_met=True,
    )
    assert summary_for(provider, today=TODAY).not_assured is False
    assert _db_row(provider).not_assured is False
