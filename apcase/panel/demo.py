"""Demo panel: the Milton Keynes Primary Inclusion Panel, a monthly series of meetings
and referrals from Heronsgate School in several states, plus an emergency placement
awaiting ratification. Leo's referral is shared although a parent refused consent (its
lawful basis and how the parents were told are recorded). The decision letter for Kwabena
went by email to his grandmother; Noor's, to a mother with no email address, is not yet
sent. Every person and pupil is invented. The meetings show each state
a meeting can be in:

- last month's meeting: held (an approval recorded at it, then closed by the chair);
- an extra meeting today: it has sat (a request for more information recorded) and
  awaits the chair's closing;
- the next monthly meetings: scheduled, the first with a referral on its agenda;
- the third one ahead: postponed by a week (a new meeting took its agenda);
- an extra meeting next month: cancelled.

Idempotent: each referral is made once per demo pupil; meetings are keyed on their date.
It goes through the same services and workflow as the pages, so the chronology and
audit trail look as they would in use. The only shortcuts are creating meetings whose
date has come (no page schedules one in the past) and moving two referrals onto them."""

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apcase.accounts.models import Membership, Organisation, User
from apcase.accounts.roles import Role
from apcase.panel.models import InclusionPanel, PanelMeeting
from apcase.panel.schedule import nth_weekday

PANEL_NAME = "Milton Keynes Primary Inclusion Panel"
VENUE = "Civic Offices, 1 Saxon Gate East, Milton Keynes"
# Two more invented panel members (no sign-in), so the panel can be quorate.
EXTRA_MEMBERS = [
    ("ngozi.adeyemi@mk-council.example", "Ngozi Adeyemi"),
    ("carys.pryce@mk-council.example", "Carys Pryce"),
]
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _month(day: datetime.date, offset: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + offset
    return index // 12, index % 12 + 1


def _people(la: Organisation) -> dict[str, Any]:
    for email, name in EXTRA_MEMBERS:
        user, _ = User.objects.get_or_create(
            email=email, defaults={"full_name": name, "password": make_password(None)}
        )
        Membership.objects.update_or_create(
            user=user, organisation=la, role=Role.PANEL_MEMBER, defaults={"is_active": True}
        )
    users = {u.email: u for u in User.objects.filter(email__endswith="@mk-council.example")}
    return {
        "chair": users["panel.chair@mk-council.example"],
        "officer": users["la.officer@mk-council.example"],
        "members": [
            users["panel.member@mk-council.example"],
            *[users[email] for email, _ in EXTRA_MEMBERS],
        ],
    }


def _meeting(
    panel: InclusionPanel, people: dict[str, Any], date: datetime.date, **extra: Any
) -> PanelMeeting:
    meeting, created = PanelMeeting.objects.get_or_create(
        panel=panel,
        date=date,
        start_time=extra.pop("start_time", datetime.time(9, 30)),
        defaults={
            "venue": VENUE,
            "chair": people["chair"],
            "scheduled_by": people["officer"],
            **extra,
        },
    )
    if created:
        meeting.members.set([people["chair"], *people["members"]])
    return meeting


def _meetings(panel: InclusionPanel, people: dict[str, Any]) -> dict[str, PanelMeeting]:
    today = timezone.localdate()
    made = []
    for offset in (-1, 0, 1, 2, 3):
        year, month = _month(today, offset)
        date = nth_weekday(year, month, weekday=1, nth=2)  # the second Tuesday
        if offset >= 0 and date <= today:
            continue
        made.append(_meeting(panel, people, date))
    # Today's extra sitting, in the afternoon so it never clashes with the series.
    sitting = _meeting(panel, people, today, start_time=datetime.time(14, 0), is_extra=True)
    return {"past": made[0], "today": sitting, "later": made[-1]}


def _change_meetings(
    panel: InclusionPanel, meetings: dict[str, PanelMeeting], officer: Any
) -> None:
    """Postpone the last monthly meeting by a week; schedule an extra meeting next month
    and cancel it. Each once."""
    from apcase.panel import services, workflow

    later = meetings["later"]
    if later.status == PanelMeeting.Status.SCHEDULED:
        workflow.postpone_meeting(
            later,
            by=officer,
            to=later.date + datetime.timedelta(days=7),
            reason="The civic offices are closed that day for a council election count.",
        )
    extra_on = later.date - datetime.timedelta(days=13)
    if not PanelMeeting.objects.filter(panel=panel, date=extra_on, is_extra=True).exists():
        extra = services.schedule_meeting(
            by=officer,
            panel=panel,
            date=extra_on,
            place=services.MeetingPlace(
                start_time=datetime.time(15, 30), online_link="https://meet.example/mk-panel"
            ),
            is_extra=True,
        )
        workflow.cancel_meeting(
            extra,
            by=officer,
            reason="Not needed: every referral fits the monthly meeting before it.",
        )


SECTIONS: dict[str, Any] = {
    "reason": {
        "reason": "behaviour",
        "reason_description": "Frequent dysregulation in class, leaving the room several "
        "times a day; at risk of further suspension.",
    },
    "attendance": {
        "attendance_summary": "91% this school year; most absence is Monday mornings.",
        "exclusions_summary": "Two suspensions this term, 4 days in total.",
    },
    "send-health": {
        "send_summary": "SEN support: social, emotional and mental health. EP assessment in October.",
        "health_summary": "No known health needs.",
    },
    "parent-views": {
        "parent_views": "“{He} {is} happier in small groups. We want {him} to stay at "
        "Heronsgate but {he} need{s} a break to reset.”",
        "parent_views_gathered_how": "Meeting at school with the inclusion lead",
        "parent_views_gathered_on": datetime.date(2026, 10, 6),
        "consent": "given",
        "consent_given_by": "Parent (mother)",
        "consent_given_on": datetime.date(2026, 10, 6),
        "consent_recorded_how": "Signed consent form, scanned to the pupil file",
    },
    "child-voice": {
        "child_voice": "“I like building things and football. I don't like when it's loud.”",
        "child_voice_gathered_how": "Conversation with {his} key adult, with drawings",
    },
    "provision": {
        "provision_sought": "A 6-week part-time placement, mornings, with a plan to return."
    },
}


# A referral shared although a parent refused consent: the lawful basis and how the
# parents were told are recorded, and every reader sees the refusal at the top.
CONSENT_REFUSED: dict[str, Any] = {
    **SECTIONS["parent-views"],
    "parent_views": "“We don't want {his} information passed around. {He} just need{s} the "
    "school to try harder.”",
    "consent": "refused",
    "consent_given_by": "",
    "consent_given_on": None,
    "consent_recorded_how": "",
    "consent_not_obtained_reason": "{His} father does not want the school's records of "
    "incidents shared outside the school.",
    "sharing_basis": "public_task",
    "sharing_basis_detail": "The panel cannot decide on a placement without the school's "
    "account of {his} needs, and the provider needs {his} needs and risks to keep {him} and "
    "others safe.",
    "parents_told_by": "Amara Okafor, inclusion lead",
    "parents_told_on": datetime.date(2026, 10, 8),
    "parents_told_how": "Phone call to {his} father, followed by a letter explaining what is "
    "shared, with whom and why.",
}


def _about(pupil: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The section's words about the pupil, with {he}, {him} and {his} taken from the
    pupil's record ("they" where none is recorded): the demo's girls are not "he"."""
    return {k: pupil.pronouns.fill(v) if isinstance(v, str) else v for k, v in values.items()}


def _referral(pupil: Any, *, lead: Any, head: Any, submit: bool, parent_views: Any = None) -> Any:
    from apcase.referrals import services, workflow

    referral = services.start_referral(by=lead, pupil=pupil)
    for section, values in SECTIONS.items():
        if section == "parent-views" and parent_views is not None:
            values = parent_views
        referral.refresh_from_db()
        services.update_section(
            referral,
            by=lead,
            section=section,
            values=_about(pupil, values),
            version=referral.version,
        )
    services.add_intervention(
        referral,
        by=lead,
        description="Daily check-in and check-out with a key adult",
        started_on=datetime.date(2026, 9, 7),
        ended_on=datetime.date(2026, 10, 16),
        outcome="Calmer mornings; afternoons still hard.",
    )
    services.add_intervention(
        referral,
        by=lead,
        description="Nurture group three afternoons a week",
        started_on=datetime.date(2026, 9, 21),
        ended_on=None,
        outcome="Engages well in the group, struggles on return to class.",
    )
    services.add_document(
        referral,
        by=lead,
        title="Educational psychologist report (invented)",
        upload=SimpleUploadedFile("ep-report.pdf", DEMO_PDF, content_type="application/pdf"),
    )
    for section in ("interventions", "documents"):
        referral.refresh_from_db()
        services.update_section(
            referral,
            by=lead,
            section=section,
            values={f"{section}_complete": True},
            version=referral.version,
        )
    if submit:
        services.sign_off_referral(referral, by=head)
        workflow.submit_referral(referral, by=lead)
    referral.refresh_from_db()
    return referral


def _decide(referral: Any, meeting: PanelMeeting, people: dict[str, Any], **decision: Any) -> Any:
    from apcase.panel import services
    from apcase.referrals.models import Referral

    # Demo only: put the referral on a meeting whose day has come.
    Referral.objects.filter(pk=referral.pk).update(meeting=meeting)
    referral.refresh_from_db()
    terms = services.ApprovalTerms.take_from(decision)
    return services.record_decision(
        by=people["chair"],
        meeting=meeting,
        item=referral,
        members_present=[people["chair"], *people["members"]],
        terms=terms,
        **decision,
    )


def _send_letters(decision: Any, people: dict[str, Any]) -> None:
    """The decision letter goes by email to each carer who has an email address; the
    others are left for the school to post (the referral page lists them as not sent)."""
    from apcase.panel import letters

    for line in letters.letters_for_decision(decision):
        if line.can_email:
            letters.send_letter(
                decision, carer_id=line.carer.pk, method="email", by=people["officer"]
            )


def seed(organisations: dict[str, Organisation]) -> None:
    panel, _ = InclusionPanel.objects.update_or_create(
        local_authority=organisations["la"], name=PANEL_NAME, defaults={"phase": "Primary"}
    )
    # seed_demo loads the pupils demo first; the cases below are about those pupils.
    _seed_cases(organisations, panel)


def _seed_cases(organisations: dict[str, Organisation], panel: InclusionPanel) -> None:
    from apcase.panel import workflow as panel_workflow
    from apcase.pupils.models import Pupil
    from apcase.referrals import workflow
    from apcase.referrals.models import EmergencyPlacement, Referral

    people = _people(organisations["la"])
    meetings = _meetings(panel, people)
    past = meetings["past"]
    school = organisations["school"]
    lead = User.objects.get(email="inclusion.lead@heronsgate.example")
    head = User.objects.get(email="headteacher@heronsgate.example")
    pupils = {p.legal_first_name: p for p in Pupil.objects.filter(school=school)}
    today = timezone.localdate()

    def fresh(name: str) -> Any:
        pupil = pupils.get(name)
        if pupil is None or Referral.objects.filter(pupil=pupil).exists():
            return None
        if EmergencyPlacement.objects.filter(pupil=pupil).exists():
            return None
        return pupil

    if pupil := fresh("Amelia"):
        _referral(pupil, lead=lead, head=head, submit=False)  # a draft, part way
    if pupil := fresh("Leo"):
        # on the next agenda, shared although a parent refused consent
        _referral(pupil, lead=lead, head=head, submit=True, parent_views=CONSENT_REFUSED)
    if pupil := fresh("Kwabena"):
        referral = _referral(pupil, lead=lead, head=head, submit=True)
        approved = _decide(
            referral,
            past,
            people,
            outcome="approved",
            reasons="The school has tried a full graduated response; a short placement "
            "with a planned return gives Kwabena the best chance to stay at Heronsgate.",
            conditions="Key adult from school visits weekly.",
            provider=organisations["pru"],
            provider_acceptance_reason="The local PRU, known to the panel; vetting "
            "confirmation requested.",
            site="Romans Field Site",
            proposed_start_date=today + datetime.timedelta(days=7),
            sessions_per_week=5,
            first_review_date=today + datetime.timedelta(days=49),
        )
        _send_letters(approved, people)
    if pupil := fresh("Noor"):
        referral = _referral(pupil, lead=lead, head=head, submit=True)
        _decide(
            referral,
            meetings["today"],
            people,
            outcome="more_information",
            reasons="The panel needs the speech and language assessment before deciding.",
        )
    if past.status == PanelMeeting.Status.SCHEDULED:
        panel_workflow.close_meeting(past, by=people["chair"])
    _change_meetings(panel, meetings, people["officer"])
    if pupil := fresh("Tyler"):
        workflow.arrange_emergency_placement(
            by=head,
            pupil=pupil,
            provider=organisations["bridge"],
            sites=list(organisations["bridge"].sites.filter(name="Coffee Hall")),
            sessions={(day, half) for day in range(5) for half in ("am", "pm")},
            named_staff_member=User.objects.get(email="staff@heronsgate.example"),
            case=workflow.EmergencyCase(
                parents_told_how="Phone call from the headteacher to Tyler's father, then a letter.",
                parents_told_at=timezone.now() - datetime.timedelta(hours=1),
                why_it_cannot_wait="A serious incident in class; he cannot safely return to "
                "class before the next panel meeting.",
                risks="Harm to peers during unstructured times.",
                likelihood="medium",
                severity="high",
                mitigations="Small group, adult at transitions, daily call home.",
                assessed_by="Daniel Whitcombe, headteacher",
                assessed_on=today,
                risk_review_on=today + datetime.timedelta(days=14),
            ),
        )
