import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry, AuditEvent
from apcase.placements.tests.factories import site_of
from apcase.referrals.models import EmergencyPlacement, Referral, ReferralDocument
from conftest import sign_in

from .factories import (
    PDF_BYTES,
    complete_referral,
    docx_bytes,
    draft_referral,
    make_meeting,
    make_panel,
    make_pupil,
    pdf_upload,
    person,
)


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def school_side(world):
    class Side:
        pass

    s = Side()
    make_panel(world.la)
    s.pupil = make_pupil(world.school, legal_first_name="Riley", legal_last_name="Stone")
    s.lead = person(Role.INCLUSION_LEAD, world.school)
    s.head = person(Role.HEADTEACHER, world.school)
    s.client = sign_in(Client(), s.lead)
    return s


def _page(response, status=200):
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_the_inclusion_lead_starts_a_referral_and_sees_the_task_list(school_side):
    response = school_side.client.post(reverse("referrals:start"), {"pupil": school_side.pupil.pk})
    referral = Referral.objects.get(pupil=school_side.pupil)
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    html = _page(school_side.client.get(response["Location"]))
    assert "govuk-task-list" in html
    assert "Parent and carer views and consent" in html
    assert "You have completed 0 of 8 sections." in html
    assert "Cannot start yet" in html


def test_a_section_saves_and_shows_completed(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    url = reverse("referrals:section", args=[referral.pk, "reason"])
    _page(school_side.client.get(url))
    response = school_side.client.post(
        url,
        {"reason": "medical", "reason_description": "Long illness.", "version": referral.version},
    )
    assert response.status_code == 302
    html = _page(school_side.client.get(reverse("referrals:detail", args=[referral.pk])))
    assert "You have completed 1 of 8 sections." in html


def test_consent_given_needs_who_when_and_how(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    url = reverse("referrals:section", args=[referral.pk, "parent-views"])
    html = _page(
        school_side.client.post(
            url,
            {
                "parent_views": "Happy for a fresh start.",
                "parent_views_gathered_how": "Phone call",
                "parent_views_gathered_on_0": "1",
                "parent_views_gathered_on_1": "10",
                "parent_views_gathered_on_2": "2026",
                "consent": "given",
                "version": referral.version,
            },
        )
    )
    assert "Enter who gave consent." in html
    assert "<title>Error:" in html
    referral.refresh_from_db()
    assert referral.parent_views == ""


def test_a_stale_form_is_refused_with_a_message(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    url = reverse("referrals:section", args=[referral.pk, "child-voice"])
    data = {"child_voice": "I like maths", "child_voice_gathered_how": "Chat", "version": 0}
    html = _page(school_side.client.post(url, data))
    assert "Someone else changed this referral" in html


def test_an_intervention_is_added_then_the_section_marked_finished(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    url = reverse("referrals:interventions", args=[referral.pk])
    started = timezone.localdate() - datetime.timedelta(days=30)
    response = school_side.client.post(
        url,
        {
            "description": "Daily check-in with a key adult.",
            "started_on_0": started.day,
            "started_on_1": started.month,
            "started_on_2": started.year,
            "outcome": "Fewer removals from class.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url
    html = _page(school_side.client.get(url))
    assert "Daily check-in with a key adult." in html
    assert "Intervention added." in html
    response = school_side.client.post(url, {"finished": "yes", "version": referral.version + 1})
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.interventions_complete is True


def test_an_intervention_ending_before_it_started_is_refused_on_the_page(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    today = timezone.localdate()
    before = today - datetime.timedelta(days=7)
    html = _page(
        school_side.client.post(
            reverse("referrals:interventions", args=[referral.pk]),
            {
                "description": "Mentoring.",
                "started_on_0": today.day,
                "started_on_1": today.month,
                "started_on_2": today.year,
                "ended_on_0": before.day,
                "ended_on_1": before.month,
                "ended_on_2": before.year,
                "outcome": "None yet.",
            },
        )
    )
    assert "The end date must be the same as or after the start date." in html
    assert not referral.interventions.exists()


def test_withdrawing_asks_why_and_withdraws_the_referral(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    url = reverse("referrals:withdraw", args=[referral.pk])
    html = _page(school_side.client.post(url, {"reason": "  "}))
    assert "Why is the referral being withdrawn?" in html
    assert "<title>Error:" in html
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFT
    response = school_side.client.post(url, {"reason": "The family moved away."})
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN


# --- uploads -----------------------------------------------------------------------


def _upload(side, referral, upload, title="Evidence"):
    return side.client.post(
        reverse("referrals:documents", args=[referral.pk]), {"title": title, "upload": upload}
    )


def test_a_pdf_and_a_docx_upload_and_download_with_an_access_log(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    assert _upload(school_side, referral, pdf_upload()).status_code == 302
    docx = SimpleUploadedFile("plan.docx", docx_bytes())
    assert _upload(school_side, referral, docx, title="Support plan").status_code == 302
    documents = list(referral.documents.all())
    assert [d.extension for d in documents] == ["pdf", "docx"]
    response = school_side.client.get(
        reverse("referrals:document", args=[referral.pk, documents[0].pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AccessLogEntry.objects.filter(action="referral_document_read").count() == 1


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    fake = SimpleUploadedFile(
        "report.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf"
    )
    html = _page(_upload(school_side, referral, fake))
    assert "must be a PDF, a Word document" in html
    assert not ReferralDocument.objects.exists()


def test_a_zip_that_is_not_a_word_document_is_refused(school_side):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.sh", "echo hi")
    html = _page(
        _upload(
            school_side,
            draft_referral(school_side.pupil),
            SimpleUploadedFile("x.docx", buffer.getvalue()),
        )
    )
    assert "must be a PDF" in html


@override_settings(APCASE_UPLOAD_MAX_BYTES=1024)
def test_an_oversized_file_is_refused(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    big = pdf_upload(content=PDF_BYTES + b"0" * 2048)
    html = _page(_upload(school_side, referral, big))
    assert "must be smaller than" in html
    assert not ReferralDocument.objects.exists()


def test_a_path_in_the_file_name_is_not_followed(school_side, settings):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    assert (
        _upload(school_side, referral, pdf_upload(name="../../etc/passwd.pdf")).status_code == 302
    )
    document = referral.documents.get()
    assert document.original_name == "passwd.pdf"
    assert document.stored_path.startswith("referrals/")
    assert ".." not in document.stored_path
    assert (settings.MEDIA_ROOT / document.stored_path).exists()


def test_uploads_after_submission_are_refused(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.SUBMITTED)
    response = _upload(school_side, referral, pdf_upload())
    assert response.status_code == 302
    assert not ReferralDocument.objects.exists()


# --- access ------------------------------------------------------------------------


@pytest.fixture
def submitted(world, school_side):
    referral = complete_referral(
        school_side.pupil, signed_off_by=school_side.head, created_by=school_side.lead
    )
    make_meeting(referral.panel)
    school_side.client.post(reverse("referrals:submit", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SCHEDULED
    return referral


@pytest.mark.parametrize(
    "who",
    [
        ("panel_member", "other_la"),
        ("provider_manager", "provider"),
        ("headteacher", "other_school"),
        ("inclusion_lead", "other_school"),
    ],
)
def test_outsiders_get_not_found_for_a_referral_and_its_documents(world, submitted, who):
    role, where = who
    client = sign_in(Client(), person(role, getattr(world, where)))
    document = submitted.documents.first()
    for url in (
        reverse("referrals:detail", args=[submitted.pk]),
        reverse("referrals:document", args=[submitted.pk, document.pk]),
    ):
        assert client.get(url).status_code == 404


def test_the_la_sees_a_submitted_referral_and_its_read_is_logged(world, submitted):
    client = sign_in(Client(), person(Role.PANEL_MEMBER, world.la))
    html = _page(client.get(reverse("referrals:detail", args=[submitted.pk])))
    assert "Parent and carer views" in html
    assert "Mum says he is happier" in html
    assert AccessLogEntry.objects.filter(
        action="referral_read", pupil_id=submitted.pupil_id
    ).exists()
    assert "Riley Stone" in _page(client.get(reverse("referrals:list")))


def test_the_la_does_not_see_drafts(world, school_side):
    referral = draft_referral(school_side.pupil)
    client = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert "Riley" not in _page(client.get(reverse("referrals:list")))


def test_submitting_through_the_page_puts_it_on_the_chronology(submitted):
    actions = list(
        AuditEvent.objects.filter(pupil_id=submitted.pupil_id).values_list("action", flat=True)
    )
    assert "referral_submitted" in actions
    assert "referral_scheduled" in actions


def test_submitting_an_incomplete_referral_shows_why(school_side):
    referral = draft_referral(school_side.pupil, created_by=school_side.lead)
    html = _page(school_side.client.post(reverse("referrals:submit", args=[referral.pk])))
    assert "Complete every section before submitting" in html


def test_a_headteacher_signs_off_through_the_page(world, school_side):
    referral = complete_referral(school_side.pupil, created_by=school_side.lead)
    head = sign_in(Client(), school_side.head)
    assert head.post(reverse("referrals:sign_off", args=[referral.pk])).status_code == 302
    referral.refresh_from_db()
    assert referral.signed_off_by == school_side.head
    # The inclusion lead may not: the refusal page says why (core.viewhelpers).
    html = _page(
        school_side.client.post(
            reverse("referrals:sign_off", args=[complete_referral(make_pupil(world.school)).pk])
        ),
        status=403,
    )
    assert "Only the school&#x27;s headteacher" in html or "Only the school's headteacher" in html


def _dates(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _emergency_form(pupil, provider, *, risk_review_on=None, **fields):
    """The emergency form as a person fills it in, with `fields` changed."""
    today = datetime.date.today()
    return {
        "pupil": pupil.pk,
        "provider": provider.pk,
        "sessions": ["0-am", "0-pm", "2-am"],
        "parents_told_how": "Phone call to the child's mother.",
        # Told yesterday morning: a time that has passed whenever the test runs.
        **_dates("parents_told_on", today - datetime.timedelta(days=1)),
        "parents_told_time": "08:15",
        "why_it_cannot_wait": "Serious incident.",
        "risks": "Risk to others.",
        "likelihood": "high",
        "severity": "high",
        "mitigations": "1:1 support.",
        "assessed_by": "Head",
        **_dates("assessed_on", today),
        **_dates("risk_review_on", risk_review_on or today),
        **fields,
    }


def test_an_emergency_placement_is_arranged_through_the_page(world, school_side):
    make_meeting(make_panel(world.la))
    client = sign_in(Client(), school_side.head)
    today = datetime.date.today()
    review = today + datetime.timedelta(days=14)
    site = site_of(world.provider)
    staff = person(Role.SCHOOL_STAFF, world.school, full_name="Tom Ellery")
    data = _emergency_form(
        school_side.pupil,
        world.provider,
        sites=[site.pk],
        named_staff_member=staff.pk,
        risk_review_on=review,
    )
    response = client.post(reverse("referrals:emergency_new"), data)
    assert response.status_code == 200
    assert "is not assured in the directory: enter why it is used" in response.content.decode()
    assert not EmergencyPlacement.objects.exists()
    data["provider_acceptance_reason"] = "Only provider with a place this week."
    response = client.post(reverse("referrals:emergency_new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    html = _page(client.get(response["Location"]))
    assert "Awaiting ratification" in html
    assert "Used although not assured: Only provider with a place this week." in html
    emergency = EmergencyPlacement.objects.get()
    assert emergency.parents_told_how == "Phone call to the child's mother."
    assert timezone.localtime(emergency.parents_told_at).time() == datetime.time(8, 15)
    placement = emergency.placement
    assert placement.named_staff_member == staff
    assert list(placement.sites.all()) == [site]
    assert {(s.weekday, s.session) for s in placement.sessions.all()} == {
        (0, "am"),
        (0, "pm"),
        (2, "am"),
    }


def test_the_emergency_form_refuses_a_site_of_another_provider_and_no_named_staff(
    world, school_side
):
    make_meeting(make_panel(world.la))
    client = sign_in(Client(), school_side.head)
    data = _emergency_form(
        school_side.pupil,
        world.provider,
        provider_acceptance_reason="Only one with a place.",
        sites=[site_of(world.other_provider).pk],
        sessions=["0-am"],
    )
    response = client.post(reverse("referrals:emergency_new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html  # the other provider's site is not offered
    assert "This field is required" in html or "Choose a member of staff" in html
    assert not EmergencyPlacement.objects.exists()


def test_the_home_page_points_the_school_and_the_la_to_their_next_steps(
    world, submitted, school_side
):
    draft_referral(make_pupil(world.school, legal_first_name="Ava"), created_by=school_side.lead)
    html = _page(school_side.client.get(reverse("home")))
    assert "Continue the referral for Ava" in html
    officer = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    html = _page(officer.get(reverse("home")))
    assert "Next panel meeting" in html
    assert "1 item on the agenda" in html
