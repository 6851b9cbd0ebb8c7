"""Factories for referrals, panels, meetings and the people who sit on them."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import MembershipFactory, UserFactory
from apcase.panel.models import InclusionPanel, PanelMeeting
from apcase.pupils.models import Pupil
from apcase.referrals.models import EmergencyPlacement, Intervention, Referral, ReferralDocument

_upn = itertools.count(100000000)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="evidence.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_pupil(school, **fields):
    values = {
        "upn": f"A{next(_upn):012d}",
        "legal_first_name": "Sam",
        "legal_last_name": "Example",
        "date_of_birth": datetime.date(2016, 3, 4),
    }
    values.update(fields)
    return Pupil.objects.create(school=school, **values)


def make_panel(la, name="Primary Inclusion Panel"):
    panel, _ = InclusionPanel.objects.get_or_create(
        local_authority=la, name=name, defaults={"phase": "Primary"}
    )
    return panel


def person(role, organisation, **fields):
    user = UserFactory(**fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def make_meeting(panel, *, date=None, members=(), chair=None, by=None, **fields):
    """A scheduled meeting created directly (no service), for setting up tests."""
    by = by or person(Role.LA_OFFICER, panel.local_authority)
    meeting = PanelMeeting.objects.create(
        panel=panel,
        date=date or timezone.localdate() + datetime.timedelta(days=21),
        venue=fields.pop("venue", "Civic Offices, Milton Keynes"),
        chair=chair,
        scheduled_by=by,
        **fields,
    )
    meeting.members.set(list(members) + ([chair] if chair else []))
    return meeting


def sitting_panel(la, count=3):
    """A chair and count-1 members holding panel roles in `la`."""
    chair = person(Role.PANEL_CHAIR, la, full_name="Helen Achebe")
    members = [person(Role.PANEL_MEMBER, la) for _ in range(count - 1)]
    return chair, members


def draft_referral(pupil, *, created_by=None, panel=None, **fields):
    by = created_by or person(Role.INCLUSION_LEAD, pupil.school)
    panel = panel or make_panel(pupil.school.local_authority)
    return Referral.objects.create(
        pupil=pupil, school=pupil.school, panel=panel, created_by=by, **fields
    )


COMPLETE_SECTIONS = {
    "reason": Referral.Reason.BEHAVIOUR,
    "reason_description": "Repeated dysregulation in class since September.",
    "attendance_summary": "87% this year; 12 sessions missed.",
    "exclusions_summary": "Two suspensions this term (3 days in total).",
    "send_summary": "SEN support for speech, language and communication.",
    "health_summary": "No known health needs.",
    "parent_views": "Mum says he is happier in small groups and wants a fresh start.",
    "parent_views_gathered_how": "Meeting at school",
    "parent_views_gathered_on": datetime.date(2026, 10, 1),
    "consent": Referral.Consent.GIVEN,
    "consent_given_by": "Jo Example (mother)",
    "consent_given_on": datetime.date(2026, 10, 1),
    "consent_recorded_how": "Signed consent form",
    "child_voice": "I like building things and I want to stop getting into trouble.",
    "child_voice_gathered_how": "Talk with his key adult",
    "provision_sought": "Short-term placement of 6 weeks, mornings.",
    "interventions_complete": True,
    "documents_complete": True,
}


def complete_referral(pupil, *, signed_off_by=None, **fields):
    values = dict(COMPLETE_SECTIONS)
    values.update(fields)
    referral = draft_referral(pupil, **values)
    Intervention.objects.create(
        referral=referral,
        description="Daily check-in with a key adult",
        started_on=datetime.date(2026, 9, 8),
        ended_on=datetime.date(2026, 10, 17),
        outcome="Helped in the mornings; afternoons still difficult.",
    )
    ReferralDocument.objects.create(
        referral=referral,
        title="Educational psychologist report",
        original_name="ep-report.pdf",
        stored_path="referrals/test.pdf",
        extension="pdf",
        size=len(PDF_BYTES),
        uploaded_by=referral.created_by,
    )
    if signed_off_by is not None:
        referral.signed_off_by = signed_off_by
        referral.signed_off_at = timezone.now()
        referral.save()
    return referral


def docx_bytes():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def make_emergency(placement, meeting, *, assessed_on=None):
    """An emergency placement of `placement` awaiting ratification at `meeting`, made
    directly (set-up, not the behaviour under test)."""
    day = assessed_on or timezone.localdate()
    return EmergencyPlacement.objects.create(
        pupil=placement.pupil,
        school=placement.pupil.school,
        panel=meeting.panel,
        meeting=meeting,
        placement=placement,
        arranged_by=meeting.scheduled_by,
        why_it_cannot_wait="Invented for a test",
        risks="Invented",
        likelihood="low",
        severity="low",
        mitigations="Invented",
        assessed_by="Invented",
        assessed_on=day,
        risk_review_on=day,
    )
