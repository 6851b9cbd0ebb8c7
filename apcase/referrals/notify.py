"""Messages the referral and emergency workflows send (through
`notifications.messages`: email after commit and an in-app alert, the child named by
first name and initial, a full link)."""

from typing import TYPE_CHECKING

from django.urls import reverse

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.notifications import messages

from .models import EmergencyPlacement, Referral

if TYPE_CHECKING:
    from apcase.panel.models import PanelDecision


def school_leads(school: Organisation) -> list[User]:
    return holders(school, {Role.INCLUSION_LEAD, Role.HEADTEACHER})


def referral_submitted(referral: Referral) -> None:
    messages.send(
        "referrals/messages/referral_submitted.txt",
        to=holders(referral.panel.local_authority, {Role.LA_OFFICER}),
        child=referral.pupil,
        link=reverse("referrals:detail", args=[referral.pk]),
        panel=referral.panel,
        school=referral.school,
    )


def emergency_arranged(emergency: EmergencyPlacement) -> bool:
    """Tell the LA's officers and the school's leads; whether any LA officer was told
    (the notice to the LA of a placement the school arranged without the panel)."""
    officers = holders(emergency.panel.local_authority, {Role.LA_OFFICER})
    messages.send(
        "referrals/messages/emergency_arranged.txt",
        to=officers + school_leads(emergency.school),
        child=emergency.pupil,
        link=reverse("referrals:emergency_detail", args=[emergency.pk]),
        urgent=True,
        provider=emergency.placement.provider,
    )
    return bool(officers)


def emergency_not_ratified(emergency: EmergencyPlacement, decision: "PanelDecision") -> None:
    messages.send(
        "referrals/messages/emergency_not_ratified.txt",
        to=school_leads(emergency.school),
        child=emergency.pupil,
        link=reverse("panel:decision_detail", args=[decision.pk]),
        urgent=True,
    )
