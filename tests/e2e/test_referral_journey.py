"""The referral journey in a browser: the school drafts and submits a written
application, the LA sees it on the next meeting's agenda, the chair records the panel's
joint approval, and the school sees the decision and the planned placement. Then the
emergency route, from the headteacher's placement to the panel's ratification."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from apcase.placements.models import Placement
from apcase.pupils.models import Pupil
from apcase.referrals.models import EmergencyPlacement, Referral
from apcase.referrals.tests.factories import PDF_BYTES, make_pupil
from tests.e2e.conftest import ConsoleWatch, sign_in_by_cookie
from tests.helpers import travel_to

pytestmark = pytest.mark.browser

LEAD = "inclusion.lead@heronsgate.example"
HEAD = "headteacher@heronsgate.example"
OFFICER = "la.officer@mk-council.example"
CHAIR = "panel.chair@mk-council.example"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pupil(first: str, last: str) -> Pupil:
    school = Pupil.objects.filter(school__name="Heronsgate School").first().school
    return make_pupil(school, legal_first_name=first, legal_last_name=last)


def _as(context: BrowserContext, page: Page, site: str, email: str, path: str) -> None:
    sign_in_by_cookie(context, site, email)
    page.goto(f"{site}{path}")


def _date(page: Page, name: str, day: datetime.date) -> None:
    page.fill(f"[name={name}_0]", str(day.day))
    page.fill(f"[name={name}_1]", str(day.month))
    page.fill(f"[name={name}_2]", str(day.year))


def _save(page: Page, label: str = "Save and continue") -> None:
    page.get_by_role("button", name=label).click()


def _open_section(page: Page, title: str) -> None:
    page.get_by_role("link", name=title).click()


def test_a_referral_from_draft_to_approved_placement(
    context: BrowserContext,
    page: Page,
    demo_site: str,
    console: ConsoleWatch,
    tmp_path,
    monkeypatch,
):
    pupil = _pupil("Rowan", "Testwell")
    today = timezone.localdate()

    # The inclusion lead drafts the written application, sections in any order.
    _as(context, page, demo_site, LEAD, "/referrals/new/")
    page.get_by_label("Which pupil are you referring?").select_option(label="Rowan Testwell")
    _save(page, "Start referral")
    expect(page.locator("h1")).to_have_text("Referral for Rowan Testwell")
    referral_url = page.url

    _open_section(page, "Parent and carer views and consent")
    page.fill("[name=parent_views]", "“We want Rowan to have a fresh start in a small group.”")
    page.fill("[name=parent_views_gathered_how]", "Meeting at school")
    _date(page, "parent_views_gathered_on", today)
    page.get_by_label("Consent given").check()
    page.fill("[name=consent_given_by]", "Parent (father)")
    _date(page, "consent_given_on", today)
    page.fill("[name=consent_recorded_how]", "Signed consent form")
    _save(page)
    expect(page.locator("#parent-views-status")).to_have_text("Completed")

    _open_section(page, "Reason for referral")
    page.get_by_label("Risk of exclusion").check()
    page.fill("[name=reason_description]", "Escalating incidents at lunchtimes.")
    _save(page)

    _open_section(page, "What the school has already tried")
    page.fill("[name=description]", "Lunchtime club with a key adult")
    _date(page, "started_on", today - datetime.timedelta(days=60))
    page.fill("[name=outcome]", "Fewer incidents, but not enough.")
    _save(page, "Add intervention")
    page.get_by_label("Yes, I've completed this section").check()
    _save(page)

    _open_section(page, "Attendance and exclusions")
    page.fill("[name=attendance_summary]", "94% this year.")
    page.fill("[name=exclusions_summary]", "One suspension of 2 days.")
    _save(page)

    _open_section(page, "SEND and health")
    page.fill("[name=send_summary]", "SEN support for SEMH.")
    page.fill("[name=health_summary]", "No known health needs.")
    _save(page)

    _open_section(page, "The child's voice")
    page.fill("[name=child_voice]", "“I want to stop getting told off at lunch.”")
    page.fill("[name=child_voice_gathered_how]", "Talk with his key adult")
    _save(page)

    _open_section(page, "Provision sought")
    page.fill("[name=provision_sought]", "Mornings for 6 weeks.")
    _save(page)

    _open_section(page, "Supporting documents")
    evidence = tmp_path / "behaviour-log.pdf"
    evidence.write_bytes(PDF_BYTES)
    page.fill("[name=title]", "Behaviour log")
    page.set_input_files("[name=upload]", str(evidence))
    _save(page, "Upload document")
    expect(page.get_by_role("link", name="Behaviour log")).to_be_visible()
    page.get_by_label("Yes, I've completed this section").check()
    _save(page)
    expect(page.get_by_text("You have completed 8 of 8 sections.")).to_be_visible()

    # The headteacher signs it off; the inclusion lead submits it.
    _as(context, page, demo_site, HEAD, referral_url.removeprefix(demo_site))
    page.get_by_role("link", name="Headteacher sign-off").click()
    _save(page, "Sign off as headteacher")
    _as(context, page, demo_site, LEAD, referral_url.removeprefix(demo_site))
    page.get_by_role("link", name="Submit referral").click()
    _save(page, "Submit referral")
    expect(page.locator("#referral-status")).to_have_text("Scheduled for a meeting")

    referral = Referral.objects.get(pupil=pupil)
    meeting = referral.meeting
    assert meeting is not None
    assert meeting.date >= today + datetime.timedelta(days=7)

    # The LA officer sees it on the next meeting's agenda, with its papers.
    _as(context, page, demo_site, OFFICER, "/panel/")
    page.get_by_role("link", name=meeting.date.strftime("%A %-d %B %Y")).click()
    agenda = page.locator("#agenda")
    expect(agenda).to_contain_text("Rowan Testwell")
    expect(agenda.get_by_role("link", name="Referral for Rowan Testwell")).to_be_visible()

    # Before the meeting's day the chair cannot record its decisions yet.
    _as(context, page, demo_site, CHAIR, f"/panel/meetings/{meeting.pk}/")
    expect(page.locator("#meeting-to-come")).to_be_visible()
    expect(page.get_by_role("link", name="Record decision for Rowan Testwell")).to_have_count(0)

    # On the meeting's day the chair records the joint approval with the members present.
    travel_to(monkeypatch, meeting.date)
    _as(context, page, demo_site, CHAIR, f"/panel/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record decision for Rowan Testwell").click()
    for name in ("Helen Achebe", "Oliver Banerjee", "Ngozi Adeyemi", "Carys Pryce"):
        page.get_by_label(name).check()
    page.get_by_label("Approved").check()
    page.fill(
        "[name=reasons]", "The school's graduated response is clear; a short placement will help."
    )
    pru = page.locator("[name=provider] option", has_text="Milton Keynes Primary Referral Unit")
    page.locator("select[name=provider]").select_option(value=pru.first.get_attribute("value"))
    page.fill("[name=provider_acceptance_reason]", "The local PRU, known to the panel.")
    page.fill("[name=site]", "Romans Field Site")
    _date(page, "proposed_start_date", today + datetime.timedelta(days=21))
    page.fill("[name=sessions_per_week]", "5")
    _date(page, "first_review_date", today + datetime.timedelta(days=63))
    _save(page, "Record decision")
    expect(page.locator("#agenda")).to_contain_text("Approved")
    # Recording the decision does not hold the meeting: the chair closes it.
    expect(page.locator("#meeting-status")).to_have_text("Awaiting closure")
    page.get_by_role("link", name="Close this meeting").click()
    _save(page, "Close this meeting")
    expect(page.locator("#meeting-status")).to_have_text("Held")

    # The school sees the decision and the planned placement.
    _as(context, page, demo_site, LEAD, referral_url.removeprefix(demo_site))
    expect(page.locator("#referral-status")).to_have_text("Approved")
    expect(page.locator("#placement-status")).to_have_text("Planned")
    assert Placement.objects.get(pupil=pupil).status == Placement.Status.PLANNED
    assert console.csp_errors() == []


def test_an_emergency_placement_through_ratification(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    _pupil("Sky", "Emergent")
    today = timezone.localdate()

    _as(context, page, demo_site, HEAD, "/referrals/emergency/new/")
    page.get_by_label("Pupil", exact=True).select_option(label="Sky Emergent")
    page.get_by_label("Provider", exact=True).select_option(label="Bridge Academy")
    page.get_by_label("Bridge Academy: Coffee Hall", exact=False).check()
    # Every half-day is ticked to begin with; the pupil goes on four mornings.
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(f"{day} afternoon", exact=True).uncheck()
    page.get_by_label("Friday morning", exact=True).uncheck()
    page.get_by_label("Named member of school staff").select_option(label="Tom Ellery")
    page.fill("[name=parents_told_how]", "Phone call from the headteacher to Sky's mother.")
    # Told yesterday morning: a time that has passed whenever the test runs.
    _date(page, "parents_told_on", today - datetime.timedelta(days=1))
    page.fill("[name=parents_told_time]", "08:40")
    page.fill("[name=why_it_cannot_wait]", "A serious incident; cannot wait three weeks.")
    page.fill("[name=risks]", "Harm to peers at unstructured times.")
    page.locator("input[name=likelihood][value=high]").check()
    page.locator("input[name=severity][value=medium]").check()
    page.fill("[name=mitigations]", "Small group and an adult at transitions.")
    page.fill("[name=assessed_by]", "Daniel Whitcombe")
    _date(page, "assessed_on", today)
    _date(page, "risk_review_on", today + datetime.timedelta(days=14))
    _save(page, "Start the emergency placement")
    expect(page.locator("#ratification-status")).to_have_text("Awaiting ratification")

    emergency = EmergencyPlacement.objects.get(pupil__legal_first_name="Sky")
    assert emergency.placement.status == Placement.Status.ACTIVE
    assert emergency.placement.sessions.count() == 4
    assert emergency.placement.sites.get().name == "Coffee Hall"
    assert emergency.meeting is not None
    emergency_path = page.url.removeprefix(demo_site)

    _as(context, page, demo_site, CHAIR, f"/panel/meetings/{emergency.meeting_id}/")
    page.get_by_role("link", name="Record ratification for Sky Emergent").click()
    for name in ("Helen Achebe", "Oliver Banerjee", "Ngozi Adeyemi"):
        page.get_by_label(name).check()
    page.get_by_label("Emergency placement ratified").check()
    page.fill("[name=reasons]", "The risk assessment justified acting at once.")
    _save(page, "Record decision")
    expect(page.locator("main")).to_contain_text("Emergency placement ratified")

    _as(context, page, demo_site, HEAD, emergency_path)
    expect(page.locator("#ratification-status")).to_have_text("Ratified")
    assert console.csp_errors() == []
