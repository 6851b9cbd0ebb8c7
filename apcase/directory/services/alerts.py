"""Assurance alerts, a scheduled job (`manage.py check_assurance`): schools are told
when the evidence behind a provider their pupils attend lapses or is about to."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.chronology.services import added, record_event
from apcase.core.words import counted
from apcase.notifications import messages

from .. import selectors
from ..assurance import Status
from ..audit import DirectoryAction
from ..models import AssuranceAlert, AssuranceKind, AssuranceRecord

# Evidence that the provider keeps children safe: once it has run out while children
# are placed there, the school is emailed at once, never in the next morning's digest.
SAFEGUARDING_KINDS = (AssuranceKind.VETTING, AssuranceKind.SAFEGUARDING_POLICY)


def is_urgent(record: AssuranceRecord, state: str) -> bool:
    """Staff vetting or the safeguarding policy expired: a safeguarding matter."""
    return state == Status.EXPIRED and record.kind in SAFEGUARDING_KINDS


@dataclass
class AlertRun:
    sent: int = 0  # alerts recorded (one per record, state and school)
    emails: int = 0
    # (school, provider, what) where nobody holds the role to be told: said out loud
    # by the command and tried again on the next run.
    nobody_to_tell: list[str] = field(default_factory=list)


def lapse_text(record: AssuranceRecord, state: str) -> str:
    """ "Insurance for Bridge Academy runs out on 20 December 2026." and the like."""
    label = record.get_kind_display()
    if state == Status.EXPIRED:
        return f"{label} for {record.organisation} ran out on {record.expires_on:%-d %B %Y}."
    return f"{label} for {record.organisation} runs out on {record.expires_on:%-d %B %Y}."


def alert_recipients(school: Organisation) -> tuple[list[User], str]:
    """Who at `school` is told now: its current inclusion lead(s), from their active
    memberships; if it has none, its headteacher(s), so the alert still reaches a
    person. Returns (people, the role told)."""
    for role in (Role.INCLUSION_LEAD, Role.HEADTEACHER):
        if people := holders(school, [role]):
            return people, Role(role).label
    return [], ""


def send_assurance_alerts(*, today: date | None = None) -> AlertRun:
    """Tell the inclusion lead(s) of every school with a pupil in an open placement at a
    provider whose assurance record (the latest of its kind) is expiring within
    APCASE_ASSURANCE_WARNING_DAYS or has expired: once per record, state and school,
    by email with a full link. A system job (no acting user); each alert is one audit
    event. Safe to run again: what was sent is in AssuranceAlert."""
    today = today or timezone.localdate()
    run = AlertRun()
    lapsing = selectors.lapsing_assurance(today=today)
    if not lapsing:
        return run
    sent = set(
        AssuranceAlert.objects.filter(record__in=[item.record for item in lapsing]).values_list(
            "record_id", "state", "school_id"
        )
    )
    school_ids = {school_id for item in lapsing for school_id in item.schools}
    schools = Organisation.objects.in_bulk(list(school_ids))
    for item in lapsing:
        for school_id, pupils in sorted(item.schools.items()):
            if (item.record.pk, item.state.value, school_id) in sent:
                continue
            school = schools[school_id]
            with transaction.atomic():
                to, role = alert_recipients(school)
                what = lapse_text(item.record, item.state)
                if not to:
                    run.nobody_to_tell.append(f"{school}: {what}")
                    continue
                alert = AssuranceAlert.objects.create(
                    record=item.record,
                    state=item.state.value,
                    school=school,
                    sent_to=[person.email for person in to],
                )
                record_event(
                    by=None,
                    action=DirectoryAction.ASSURANCE_ALERT_SENT,
                    target=alert,
                    organisation=school,
                    summary=f"Told {role.lower()} of {school}: {what}",
                    changes=added({"state": item.state.value, "sent_to": [p.email for p in to]}),
                )
                placed = f"{counted(pupils, 'pupil')} from {school} "
                placed += "is" if pupils == 1 else "are"
                run.emails += messages.send(
                    "directory/messages/assurance_lapsing.txt",
                    to=to,
                    urgent=is_urgent(item.record, item.state),
                    link=reverse("directory:provider_detail", args=[item.provider.pk]),
                    state=item.state.value,
                    provider=item.provider,
                    what=what,
                    placed=placed,
                    school=school,
                    fallback=role != Role.INCLUSION_LEAD.label,
                )
                run.sent += 1
    return run
