import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from apcase.accounts.models import Organisation
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import ProviderFactory
from apcase.chronology.models import AccessLogEntry, AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.directory import services
from apcase.directory.assurance import Status, summary_for
from apcase.directory.demo import tiny_pdf
from apcase.directory.models import (
    AssuranceRecord,
    Inspection,
    ProviderProfile,
    ProviderService,
    Site,
)
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _pdf(name: str = "vetting.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, tiny_pdf("Invented vetting letter"), content_type="application/pdf"
    )


def test_an_la_officer_adds_an_unregistered_provider_and_the_change_is_audited(
    world, user_with_role
):
    client = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    response = client.post(
        "/providers/add/",
        {
            "name": "Stepping Stones Tuition",
            "registration": "unregistered",
            "ap_setting_type": "OOT",
            "age_from": "11",
            "age_to": "16",
            "dsl_name": "Invented Person",
        },
    )
    provider = Organisation.objects.get(name="Stepping Stones Tuition")
    assert response.status_code == 302
    assert provider.local_authority == world.la
    assert provider.provider_profile.registration == "unregistered"
    assert (
        AuditEvent.objects.filter(
            action="directory.provider_added", target_id=str(provider.pk)
        ).count()
        == 1
    )
    page = client.get(response["Location"]).content.decode()
    assert "Not assured" in page
    assert "no in-date written confirmation of staff vetting checks" in page


def test_an_age_range_the_wrong_way_round_is_refused_with_a_message(world, user_with_role):
    client = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    response = client.post(
        "/providers/add/",
        {"name": "Odd Ages", "registration": "registered", "age_from": "16", "age_to": "11"},
    )
    assert response.status_code == 200
    assert (
        "The oldest age must be the same as or more than the youngest age."
        in response.content.decode()
    )
    assert not Organisation.objects.filter(name="Odd Ages").exists()


def test_an_edit_made_on_a_stale_page_is_refused(world, user_with_role):
    officer = user_with_role(Role.LA_OFFICER)
    profile = {"registration": "registered", "capacity": 40}
    services.update_provider(
        by=officer, provider=world.provider, version=0, organisation={}, profile=profile
    )
    with pytest.raises(ValidationFailed, match="Someone else changed this provider"):
        services.update_provider(
            by=officer, provider=world.provider, version=0, organisation={}, profile=profile
        )
    assert ProviderProfile.objects.get(organisation=world.provider).version == 1


def test_gias_fields_of_a_provider_with_a_urn_are_not_changed_by_hand(world, user_with_role):
    officer = user_with_role(Role.LA_OFFICER)
    services.update_provider(
        by=officer,
        provider=world.provider,
        version=0,
        organisation={"name": "Renamed"},
        profile={"registration": "registered", "dsl_name": "Invented DSL"},
    )
    world.provider.refresh_from_db()
    assert world.provider.name == "Milton Keynes Primary Referral Unit"
    assert world.provider.provider_profile.dsl_name == "Invented DSL"


def test_an_officer_of_another_la_cannot_edit_our_provider(world, user_with_role):
    outsider = user_with_role(Role.LA_OFFICER, organisation=world.other_la)
    client = sign_in(Client(), outsider)
    assert client.get(f"/providers/{world.provider.pk}/change/").status_code == 404
    assert client.get(f"/providers/{world.provider.pk}/").status_code == 404
    with pytest.raises(NotPermitted):
        services.add_site(
            by=outsider,
            provider=world.provider,
            values={"name": "X", "street": "Y", "town": "Z", "postcode": "MK1 1AA"},
        )


def test_assurance_evidence_is_stored_and_its_download_is_access_logged(world, user_with_role):
    officer = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    response = officer.post(
        f"/providers/{world.provider.pk}/assurance/add/",
        {
            "kind": "vetting",
            "received_on": (TODAY - timedelta(days=3)).isoformat(),
            "expires_on": (TODAY + timedelta(days=365)).isoformat(),
            "undertakes_to_report_changes": "on",
            "document": _pdf(),
        },
    )
    assert response.status_code == 302
    record = AssuranceRecord.objects.get(organisation=world.provider)
    assert record.document_extension == "pdf"
    assert AuditEvent.objects.filter(action="directory.assurance_recorded").count() == 1
    reader = user_with_role(Role.SCHOOL_DSL)
    download = sign_in(Client(), reader).get(
        f"/providers/{world.provider.pk}/assurance/{record.pk}/evidence/"
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert AccessLogEntry.objects.filter(actor_id=reader.pk, target_id=str(record.pk)).count() == 1


def test_a_vetting_confirmation_without_the_undertaking_to_report_changes_is_refused(
    world, user_with_role
):
    officer = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    response = officer.post(
        f"/providers/{world.provider.pk}/assurance/add/",
        {
            "kind": "vetting",
            "received_on": TODAY.isoformat(),
            "expires_on": (TODAY + timedelta(days=30)).isoformat(),
            "document": _pdf(),
        },
    )
    assert_page(response, contains="Confirm the provider has undertaken to report changes")
    assert not AssuranceRecord.objects.exists()


def test_evidence_that_is_not_a_document_is_refused(world, user_with_role):
    officer = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    fake = SimpleUploadedFile("policy.pdf", b"MZ not really a pdf", content_type="application/pdf")
    response = officer.post(
        f"/providers/{world.provider.pk}/assurance/add/",
        {
            "kind": "insurance",
            "received_on": TODAY.isoformat(),
            "expires_on": (TODAY + timedelta(days=30)).isoformat(),
            "document": fake,
        },
    )
    assert "The selected file must be a PDF" in response.content.decode()
    assert not AssuranceRecord.objects.exists()


def test_inspections_keep_their_scales_apart_and_the_page_shows_the_latest_with_its_date(
    world, user_with_role
):
    officer = user_with_role(Role.LA_OFFICER)
    services.record_inspection(
        by=officer,
        provider=world.provider,
        scale="legacy",
        inspected_on=date(2022, 5, 4),
        overall_grade="good",
        today=TODAY,
    )
    with pytest.raises(ValidationFailed):
        services.record_inspection(
            by=officer,
            provider=world.provider,
            scale="legacy",
            inspected_on=date(2023, 1, 1),
            overall_grade="good",
            area_grades={"inclusion": "strong"},
            today=TODAY,
        )
    with pytest.raises(ValidationFailed):
        services.record_inspection(
            by=officer,
            provider=world.provider,
            scale="report_card",
            inspected_on=date(2026, 1, 1),
            overall_grade="good",
            area_grades={"inclusion": "strong"},
            safeguarding_met=True,
            today=TODAY,
        )
    services.record_inspection(
        by=officer,
        provider=world.provider,
        scale="report_card",
        inspected_on=date(2026, 1, 14),
        area_grades={"inclusion": "strong", "achievement": "expected"},
        safeguarding_met=True,
        today=max(TODAY, date(2026, 1, 14)),
    )
    assert Inspection.objects.filter(organisation=world.provider).count() == 2
    page = (
        sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
        .get(f"/providers/{world.provider.pk}/")
        .content.decode()
    )
    latest = page[page.index('id="latest-inspection"') : page.index("Inspection history")]
    assert "14 January 2026" in latest
    assert "Report card (from November 2025)" in latest
    assert "Met" in latest
    assert "Good" not in latest
    assert "Inclusion: Strong standard" in page
    assert "Overall effectiveness: Good" in page
    assert AuditEvent.objects.filter(action="directory.inspection_recorded").count() == 2


def test_sites_are_added_and_marked_no_longer_used_but_never_deleted(world, user_with_role):
    client = sign_in(Client(), user_with_role(Role.LA_ADMIN))
    client.post(
        f"/providers/{world.provider.pk}/sites/add/",
        {
            "name": "Romans Field Site",
            "street": "Shenley Road",
            "town": "Milton Keynes",
            "postcode": "MK3 7AW",
            "is_main": "on",
        },
    )
    site = Site.objects.get(organisation=world.provider)
    assert site.is_main
    response = client.post(f"/providers/{world.provider.pk}/sites/{site.pk}/no-longer-used/")
    assert response.status_code == 302
    site.refresh_from_db()
    assert not site.is_active
    assert list(
        AuditEvent.objects.filter(target_type="directory.site").values_list("action", flat=True)
    ) == ["directory.site_deactivated", "directory.site_added"]


@pytest.mark.parametrize("twin", ["Romans Field site", "  romans  FIELD Site "])
def test_a_second_site_differing_only_in_case_or_spaces_is_refused(world, user_with_role, twin):
    client = sign_in(Client(), user_with_role(Role.LA_ADMIN))
    site = {"name": "Romans Field Site", "street": "Shenley Road", "town": "Milton Keynes"}
    site["postcode"] = "MK3 7AW"
    assert_page(client.post(f"/providers/{world.provider.pk}/sites/add/", site), status=302)
    page = assert_page(
        client.post(f"/providers/{world.provider.pk}/sites/add/", {**site, "name": twin}),
        status=200,
        contains="This provider already has a site called Romans Field Site",
    )
    assert "govuk-error-summary" in page
    assert list(Site.objects.values_list("name", flat=True)) == ["Romans Field Site"]
    # another provider may have a site of that name, and this one another site
    neighbour = ProviderFactory(name="Bridge Academy", local_authority=world.la)
    assert_page(client.post(f"/providers/{neighbour.pk}/sites/add/", site), status=302)
    other = {**site, "name": "Romans Field Annexe"}
    assert_page(client.post(f"/providers/{world.provider.pk}/sites/add/", other), status=302)
    assert Site.objects.count() == 3


def test_the_demo_keeps_one_site_where_an_older_demo_spelt_it_otherwise(db):
    call_command("seed_demo", stdout=io.StringIO())
    pru = Organisation.objects.get(urn=134310)
    kept = Site.objects.get(organisation=pru, name="Romans Field Site")
    Site.objects.filter(pk=kept.pk).update(is_main=False)
    twin = Site.objects.create(
        organisation=pru,
        name="Romans Field site",
        street="Shenley Road",
        town="Milton Keynes",
        postcode="MK3 7AW",
        is_main=True,
    )
    placement = kept.placements.first()
    assert placement is not None
    placement.sites.set([twin])
    call_command("seed_demo", stdout=io.StringIO())
    names = [Site.name_key(s.name) for s in Site.objects.filter(organisation=pru)]
    assert names == ["romans field site"]
    assert Site.objects.get(organisation=pru).placements.filter(pk=placement.pk).exists()


def test_services_are_added_filtered_on_and_removed(world, user_with_role):
    client = sign_in(Client(), user_with_role(Role.LA_OFFICER))
    client.post(
        f"/providers/{world.provider.pk}/services/add/",
        {"category": "speech_language", "name": "Speech and Language Team"},
    )
    assert (
        "Milton Keynes Primary Referral Unit"
        in client.get("/providers/?service=speech_language").content.decode()
    )
    assert (
        "Milton Keynes Primary Referral Unit"
        not in client.get("/providers/?service=camhs").content.decode()
    )
    duplicate = client.post(
        f"/providers/{world.provider.pk}/services/add/",
        {"category": "other", "name": "speech and language team"},
    )
    assert "already lists a service with that name" in duplicate.content.decode()
    service = ProviderService.objects.get(organisation=world.provider)
    client.post(f"/providers/{world.provider.pk}/services/{service.pk}/remove/")
    assert not ProviderService.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="directory.service_").count() == 2


def test_search_finds_by_name_or_urn_and_filters_by_type(world, user_with_role):
    world.provider.establishment_type_code = 14
    world.provider.establishment_type = "Pupil referral unit"
    world.provider.save()
    client = sign_in(Client(), user_with_role(Role.PROVIDER_STAFF))
    assert (
        "Milton Keynes Primary Referral Unit"
        in client.get(f"/providers/?q={world.provider.urn}").content.decode()
    )
    assert (
        "Milton Keynes Primary Referral Unit"
        in client.get("/providers/?q=referral").content.decode()
    )
    assert "No providers match." in client.get("/providers/?q=nothing-like-it").content.decode()
    assert (
        "Milton Keynes Primary Referral Unit" in client.get("/providers/?type=14").content.decode()
    )
    assert "No providers match." in client.get("/providers/?type=38").content.decode()


def test_the_demo_shows_the_policys_two_providers_with_their_assurance_status(settings):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent: nothing added twice
    today = date.today()
    pru = Organisation.objects.get(urn=134310)
    bridge = Organisation.objects.get(urn=140252)
    tuition = Organisation.objects.get(name="Brightpath Tuition (demo)")
    assert summary_for(pru, today=today).status == Status.ASSURED
    assert summary_for(bridge, today=today).status == Status.EXPIRING
    assert summary_for(tuition, today=today).not_assured
    assert [s.name for s in pru.provider_services.all()] == sorted(
        [
            "Stephenson Trust Therapeutic Service",
            "CAMHS",
            "Children's Social Care",
            "Family Support team",
            "Speech and Language Team",
        ]
    )
    assert pru.inspections.get().get_overall_grade_display() == "Good"
    assert pru.sites.get().postcode == "MK3 7AW"
    assert AssuranceRecord.objects.filter(organisation=pru).count() == 4
    client = sign_in(Client(), pru.memberships.first().user)
    page = client.get("/providers/").content.decode()
    assert "Expiring within 30 days" in page
    assert "Not assured" in page
