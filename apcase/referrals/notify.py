"""Emails the referral and emergency workflows queue (through the outbox, after commit).
They name the pupil only by first name and initial: email is not a secure channel."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.notifications.services import queue_email
from apcase.pupils.models import Pupil

from .models import EmergencyPlacement, Referral

if TYPE_CHECKING:
    from apcase.panel.models import PanelDecision


def people_with_roles(organisation: Organisation, roles: Iterable[str]) -> list[str]:
    if organisation is None:
        return []
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                memberships__organisation=organisation,
                memberships__role__in=list(roles),
                memberships__is_active=True,
            ).values_list("email", flat=True)
        )
    )


def pupil_label(pupil: Pupil) -> str:
    first = pupil.preferred_name or pupil.legal_first_name
    return f"{first} {pupil.legal_last_name[:1]}."


def _service() -> str:
    return str(getattr(settings, "APCASE_SERVICE_NAME", "apcase"))


def send_email(to: Iterable[str], subject: str, body: str) -> None:
    """One email to each address, signed with the service's name (also for the panel's
    emails)."""
    for address in sorted(set(to)):
        queue_email(to=address, subject=subject, body=f"{body}\n\n{_service()}")


def school_leads(school: Organisation) -> list[str]:
    return people_with_roles(school, {Role.INCLUSION_LEAD, Role.HEADTEACHER})


def referral_submitted(referral: Referral) -> None:
    la = referral.panel.local_authority
    send_email(
        people_with_roles(la, {Role.LA_OFFICER}),
        f"New referral to {referral.panel}",
        f"{referral.school} has submitted a referral for {pupil_label(referral.pupil)}. "
        "Sign in to see it and the meeting it is on.",
    )


def emergency_arranged(emergency: EmergencyPlacement) -> None:
    la = emergency.panel.local_authority
    send_email(
        people_with_roles(la, {Role.LA_OFFICER}) + school_leads(emergency.school),
        "Emergency placement arranged",
        f"An emergency placement has started for {pupil_label(emergency.pupil)} at "
        f"{emergency.placement.provider}. The next panel meeting will be asked to ratify it.",
    )


def emergency_not_ratified(emergency: EmergencyPlacement, decision: "PanelDecision") -> None:
    send_email(
        school_leads(emergency.school),
        "Emergency placement not ratified",
        f"The inclusion panel did not ratify the emergency placement for "
        f"{pupil_label(emergency.pupil)}. The placement must now be ended or replaced. "
        "Sign in to read the panel's reasons.",
    )
