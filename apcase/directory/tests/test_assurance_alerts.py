"""Lapsing assurance reaches the inclusion lead(s) of every school with a pupil placed at
the provider: once per record, state and school by email (check_assurance, daily), and
on their home page for as long as it lasts."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import SchoolFactory
from apcase.chronology.models import AuditEvent
from apcase.directory import services
from apcase.directory.models import AssuranceAlert, AssuranceKind
from apcase.directory.services import send_assurance_alerts
from apcase.notifications.models import OutboxMessage
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import person
from conftest import sign_in
from tests.helpers import assert_page

from .factories import AssuranceRecordFactory, assure_fully

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def placed(world):
    """World's provider, fully assured for a year except its insurance, which runs out
    in 20 days; one Heronsgate pupil placed there now."""
    assure_fully(world.provider, expires_on=TODAY + timedelta(days=365))
    insurance = world.provider.assurance_records.get(kind=AssuranceKind.INSURANCE)
    insurance.expires_on = TODAY + timedelta(days=20)
    insurance.save()
    make_placement(world.school, world.provider)
    return insurance


def _mail_to(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to=address))


def test_the_current_inclusion_lead_is_told_once_with_a_full_link(world, placed, settings):
    settings.APCASE_BASE_URL = "https://apcase.example"
    lead = person(Role.INCLUSION_LEAD, world.school, email="lead@heronsgate.example")
    former = person(Role.INCLUSION_LEAD, world.school, email="former@heronsgate.example")
    Membership.objects.filter(user=former).update(is_active=False)
    staff = person(Role.SCHOOL_STAFF, world.school, email="staff@heronsgate.example")
    elsewhere = person(Role.INCLUSION_LEAD, world.other_school, email="lead@elmhurst.example")

    out = io.StringIO()
    call_command("check_assurance", stdout=out)
    assert "1 alert recorded, 1 email queued." in out.getvalue()
    [mail] = _mail_to(lead.email)
    assert mail.subject == "Assurance expiring: Milton Keynes Primary Referral Unit"
    assert (
        f"Insurance for Milton Keynes Primary Referral Unit runs out on "
        f"{placed.expires_on:%-d %B %Y}." in mail.body
    )
    assert "1 pupil from Heronsgate School is placed there now." in mail.body
    assert f"https://apcase.example/providers/{world.provider.pk}/" in mail.body
    for nobody in (former, staff, elsewhere):
        assert _mail_to(nobody.email) == []
    assert AuditEvent.objects.filter(action="directory.assurance_alert_sent").count() == 1

    # The next day's run tells nobody again.
    call_command("check_assurance", stdout=io.StringIO())
    assert len(_mail_to(lead.email)) == 1
    assert AssuranceAlert.objects.count() == 1

    # Once it has run out, that is news: told once more, and only once.
    later = placed.expires_on + timedelta(days=1)
    send_assurance_alerts(today=later)
    send_assurance_alerts(today=later)
    mails = _mail_to(lead.email)
    assert len(mails) == 2
    assert mails[-1].subject == "Assurance expired: Milton Keynes Primary Referral Unit"
    assert "ran out on" in mails[-1].body


def test_a_lead_appointed_later_is_told_and_nobody_is_told_about_renewed_or_ended_placements(
    world, placed
):
    # Renewed insurance replaces the lapsing record: nothing to say.
    AssuranceRecordFactory(
        organisation=world.provider,
        kind=AssuranceKind.INSURANCE,
        expires_on=TODAY + timedelta(days=300),
    )
    lead = person(Role.INCLUSION_LEAD, world.school)
    assert send_assurance_alerts().sent == 0
    # A provider with no open placement is nobody's business.
    Placement.objects.update(status=Placement.Status.ENDED, ended_on=TODAY)
    placed.expires_on = TODAY + timedelta(days=5)
    placed.save()
    assert send_assurance_alerts().sent == 0
    assert _mail_to(lead.email) == []


def test_a_school_without_an_inclusion_lead_is_still_told_and_one_with_nobody_is_reported(
    world, placed
):
    head = person(Role.HEADTEACHER, world.school, email="head@heronsgate.example")
    lonely = SchoolFactory(name="Invented Lonely School", local_authority=world.la)
    make_placement(lonely, world.provider)
    err = io.StringIO()
    call_command("check_assurance", stdout=io.StringIO(), stderr=err)
    [mail] = _mail_to(head.email)
    assert "has no inclusion lead in the service" in mail.body
    assert "Nobody to tell (no inclusion lead or headteacher): Invented Lonely School" in (
        err.getvalue()
    )
    # Nothing recorded for the school nobody could be told at: tried again next time.
    assert not AssuranceAlert.objects.filter(school=lonely).exists()
    lead = person(Role.INCLUSION_LEAD, lonely, email="lead@lonely.example")
    send_assurance_alerts()
    assert len(_mail_to(lead.email)) == 1


def test_the_inclusion_leads_home_page_shows_the_problem_while_it_lasts(world, placed):
    lead = person(Role.INCLUSION_LEAD, world.school)
    client = sign_in(Client(), lead)
    response = client.get("/")
    page = assert_page(response)
    assert "Assurance expiring: Milton Keynes Primary Referral Unit" in page
    assert f"/providers/{world.provider.pk}/" in page
    assert "1 pupil from your school is placed there." in page
    AssuranceRecordFactory(
        organisation=world.provider,
        kind=AssuranceKind.INSURANCE,
        expires_on=TODAY + timedelta(days=300),
    )
    assert "Assurance expiring" not in client.get("/").content.decode()
    # Staff who are not the inclusion lead are not shown it.
    staff_page = sign_in(Client(), person(Role.SCHOOL_STAFF, world.school)).get("/")
    assert "Assurance" not in staff_page.content.decode()


def test_an_inclusion_lead_whose_pupil_is_placed_in_another_las_provider_may_open_its_page(
    world, placed
):
    other_lead = person(Role.INCLUSION_LEAD, world.other_school)
    client = sign_in(Client(), other_lead)
    assert client.get(f"/providers/{world.provider.pk}/").status_code == 404
    make_placement(world.other_school, world.provider)
    assert client.get(f"/providers/{world.provider.pk}/").status_code == 200
    assert "Assurance expiring: Milton Keynes Primary Referral Unit" in (
        client.get("/").content.decode()
    )


def test_a_lapse_date_in_the_past_year_is_expired_not_expiring(world, placed):
    placed.expires_on = date.today() - timedelta(days=3)
    placed.save()
    person(Role.INCLUSION_LEAD, world.school)
    send_assurance_alerts()
    assert AssuranceAlert.objects.get().state == "expired"


def test_expired_vetting_is_emailed_at_once_even_to_a_digest_taker(world):
    # Children are placed where staff vetting is no longer confirmed: a safeguarding
    # matter, never held back for the next morning's digest.
    from apcase.notifications.models import EmailChoice

    assure_fully(world.provider, expires_on=TODAY + timedelta(days=365))
    vetting = world.provider.assurance_records.get(kind=AssuranceKind.VETTING)
    vetting.expires_on = TODAY - timedelta(days=1)
    vetting.save()
    make_placement(world.school, world.provider)
    lead = person(Role.INCLUSION_LEAD, world.school, email="lead@heronsgate.example")
    EmailChoice.objects.create(user=lead, daily_digest=True)
    send_assurance_alerts(today=TODAY)
    [mail] = _mail_to(lead.email)
    assert mail.subject.startswith("Assurance expired")


def test_insurance_expiring_may_wait_for_a_digest_taker(world, placed):
    from apcase.notifications.models import EmailChoice

    lead = person(Role.INCLUSION_LEAD, world.school, email="lead@heronsgate.example")
    EmailChoice.objects.create(user=lead, daily_digest=True)
    send_assurance_alerts(today=TODAY)
    assert _mail_to(lead.email) == []


def test_the_inclusion_leads_home_page_lists_lapsing_and_not_assured_providers_of_its_pupils(
    world, placed
):
    """Both of the lead's provider lists, from one reading of where the school's pupils
    are placed now."""
    inspected = TODAY - timedelta(days=30)
    services.record_inspection(
        by=person(Role.LA_OFFICER, world.la),
        provider=world.provider,
        scale="report_card",
        inspected_on=inspected,
        area_grades={"inclusion": "expected"},
        safeguarding_met=False,
        today=TODAY,
    )
    client = sign_in(Client(), person(Role.INCLUSION_LEAD, world.school))
    client.get("/")  # the first request after signing in restarts the idle clock
    with CaptureQueriesContext(connection) as queries:
        page = assert_page(client.get("/"))
    assert "Assurance expiring: Milton Keynes Primary Referral Unit" in page
    assert "Not assured: Milton Keynes Primary Referral Unit" in page
    assert (
        "Your pupils are placed at a provider that is not assured: latest Ofsted report "
        f"card: safeguarding not met (inspected {inspected:%-d %B %Y})." in page
    )
    placed_reads = [
        q for q in queries if 'COUNT(DISTINCT "placements_placement"."pupil_id")' in q["sql"]
    ]
    assert len(placed_reads) == 1
    # A school with no pupil at the provider is shown neither.
    other = sign_in(Client(), person(Role.INCLUSION_LEAD, SchoolFactory(local_authority=world.la)))
    assert "Milton Keynes Primary Referral Unit" not in assert_page(other.get("/"))
