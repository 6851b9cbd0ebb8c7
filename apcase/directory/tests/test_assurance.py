from datetime import date, timedelta

import pytest
from django.test import Client

from apcase.accounts.models import Organisation
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import ProviderFactory
from apcase.directory.assurance import Status, summary_for, with_assurance
from apcase.directory.forms import ProviderChoiceField
from apcase.directory.models import AssuranceKind, Registration
from apcase.directory.selectors import provider_is_assured, provider_options_for_placement
from conftest import sign_in

from .factories import AssuranceRecordFactory, ProviderProfileFactory, assure_fully

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


def _db_status(provider: Organisation) -> tuple[str, bool]:
    row = with_assurance(Organisation.objects.filter(pk=provider.pk), today=TODAY).get()
    return row.assurance_status, row.not_assured


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (-1, Status.EXPIRED),
        (0, Status.EXPIRING),  # expires today: still in date, about to lapse
        (30, Status.EXPIRING),
        (31, Status.ASSURED),
    ],
)
def test_assurance_status_at_each_expiry_boundary_is_the_same_in_python_and_in_the_database(
    days_left, expected
):
    provider = ProviderFactory()
    assure_fully(provider, expires_on=TODAY + timedelta(days=days_left))
    assert summary_for(provider, today=TODAY).status == expected
    assert _db_status(provider) == (expected, False)


def test_a_provider_with_no_evidence_of_one_kind_is_missing_even_if_the_rest_is_in_date():
    provider = ProviderFactory()
    for kind in [AssuranceKind.VETTING, AssuranceKind.INSURANCE, AssuranceKind.QA_VISIT]:
        AssuranceRecordFactory(
            organisation=provider, kind=kind, expires_on=TODAY + timedelta(days=400)
        )
    summary = summary_for(provider, today=TODAY)
    assert summary.status == Status.MISSING
    assert {k.kind: k.status for k in summary.kinds}[
        AssuranceKind.SAFEGUARDING_POLICY
    ] == Status.MISSING
    assert _db_status(provider)[0] == Status.MISSING


def test_the_worst_kind_decides_and_a_newer_record_replaces_an_expired_one():
    provider = ProviderFactory()
    assure_fully(provider, expires_on=TODAY + timedelta(days=200))
    AssuranceRecordFactory(
        organisation=provider, kind=AssuranceKind.INSURANCE, expires_on=TODAY - timedelta(days=400)
    )
    assert summary_for(provider, today=TODAY).status == Status.ASSURED
    expired_only = ProviderFactory()
    assure_fully(expired_only, expires_on=TODAY + timedelta(days=200))
    expired_only.assurance_records.filter(kind=AssuranceKind.QA_VISIT).update(
        expires_on=TODAY - timedelta(days=1)
    )
    assert summary_for(expired_only, today=TODAY).status == Status.EXPIRED
    assert _db_status(expired_only)[0] == Status.EXPIRED


@pytest.mark.parametrize(
    ("registration", "vetting_days", "not_assured"),
    [
        (Registration.UNREGISTERED, None, True),
        (Registration.UNREGISTERED, -1, True),
        (Registration.UNREGISTERED, 0, False),
        (Registration.UNREGISTERED, 90, False),
        (Registration.REGISTERED, None, False),
    ],
)
def test_only_an_unregistered_provider_without_in_date_vetting_confirmation_is_not_assured(
    registration, vetting_days, not_assured
):
    profile = ProviderProfileFactory(registration=registration)
    if vetting_days is not None:
        AssuranceRecordFactory(
            organisation=profile.organisation,
            kind=AssuranceKind.VETTING,
            expires_on=TODAY + timedelta(days=vetting_days),
        )
    provider = profile.organisation
    assert summary_for(provider, today=TODAY).not_assured is not_assured
    assert _db_status(provider)[1] is not_assured


def test_a_provider_without_a_profile_or_urn_is_treated_as_unregistered():
    provider = ProviderFactory(urn=None)
    assert summary_for(provider, today=TODAY).not_assured is True
    assert _db_status(provider)[1] is True


def test_placement_choices_flag_a_not_assured_provider_in_the_label(world, user_with_role):
    ProviderProfileFactory(organisation=world.provider, registration=Registration.UNREGISTERED)
    user = user_with_role(Role.INCLUSION_LEAD)
    field = ProviderChoiceField(queryset=provider_options_for_placement(user, today=TODAY))
    labels = [label for _, label in field.choices]
    assert (
        "Milton Keynes Primary Referral Unit – not assured: no in-date vetting confirmation"
        in labels
    )
    assert not any("Northshire" in label for label in labels)


def test_provider_is_assured_counts_expiring_evidence_but_not_missing_evidence():
    provider = ProviderFactory()
    assert provider_is_assured(provider, today=TODAY) is False
    assure_fully(provider, expires_on=TODAY + timedelta(days=5))
    assert provider_is_assured(provider, today=TODAY) is True


def test_the_list_shows_each_providers_status_and_filters_by_it(world, user_with_role):
    ProviderProfileFactory(organisation=world.provider, registration=Registration.REGISTERED)
    assure_fully(world.provider, expires_on=date.today() + timedelta(days=200))
    tuition = ProviderFactory(name="Quickstep Tuition", urn=None, local_authority=world.la)
    ProviderProfileFactory(organisation=tuition, registration=Registration.UNREGISTERED)
    client = sign_in(Client(), user_with_role(Role.SCHOOL_STAFF))
    page = client.get("/providers/").content.decode()
    assert "Assured" in page
    assert "Not assured" in page
    assert "Missing" in page
    assert "Northshire Learning Centre" not in page  # another LA's directory
    page = client.get("/providers/?assurance=not_assured").content.decode()
    assert "Quickstep Tuition" in page
    assert "Milton Keynes Primary Referral Unit" not in page
    page = client.get("/providers/?assurance=assured").content.decode()
    assert "Quickstep Tuition" not in page
    assert "Milton Keynes Primary Referral Unit" in page
