"""Who is told when a concern is raised, and what the message says.

The alert goes at once, in the concern's own transaction, through the email outbox
(delivered after commit and retried through a mail outage, so it is delayed but never
lost), and the concern shows as new on each DSL's home page until acknowledged.

Recipients: the active DSL(s) of the pupil's school, and, for a concern raised at a
provider, that provider's DSL(s) (provider managers). A school with nobody in the DSL
role must not swallow the alert: its headteacher(s) and the officers of its local
authority are told instead, and told that the school has no DSL in apcase (they cannot
open the concern itself: only a DSL can).

What an email says: the child by first name and initial only, never the category or
the content, and a full link (APCASE_BASE_URL) to the concern."""

from django.urls import reverse

from apcase.access import policies
from apcase.accounts.models import Membership, Organisation
from apcase.accounts.roles import Role
from apcase.notifications.services import absolute_url, queue_email

from .models import Concern


def _emails(organisation: Organisation | None, roles: frozenset[str]) -> list[str]:
    if organisation is None:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                organisation=organisation, role__in=roles, is_active=True, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def recipients(concern: Concern) -> tuple[list[str], list[str]]:
    """(DSLs who can open it, people told only that a school has no DSL)."""
    school_dsls = _emails(concern.school, policies.SAFEGUARDING_ROLES)
    provider_dsls = _emails(concern.raised_at_provider, policies.PROVIDER_SAFEGUARDING_ROLES)
    stand_ins: list[str] = []
    if not school_dsls:
        stand_ins = _emails(concern.school, frozenset({Role.HEADTEACHER}))
        stand_ins += _emails(concern.school.local_authority, policies.LA_SAFEGUARDING_ROLES)
    openers = sorted(set(school_dsls + provider_dsls))
    return openers, sorted(set(stand_ins) - set(openers))


def alert_concern_raised(concern: Concern) -> int:
    """Queue the alerts in the caller's transaction; returns how many were queued."""
    openers, stand_ins = recipients(concern)
    when = concern.recorded_at.strftime("%H:%M on %-d %B %Y")
    child = concern.pupil.initialled_name
    link = absolute_url(reverse("safeguarding:detail", args=[concern.pk]))
    subject = "Safeguarding concern raised: please open it now"
    body = (
        f"A safeguarding concern about {child} was recorded at {when}.\n\n"
        f"Open it in apcase (you will be asked to sign in):\n{link}\n\n"
        "This email does not say what the concern is about. Do not forward it."
    )
    for address in openers:
        queue_email(to=address, subject=subject, body=body)
    school_name = concern.school.name
    for address in stand_ins:
        queue_email(
            to=address,
            subject="Safeguarding concern raised at a school with no DSL in apcase",
            body=(
                f"A safeguarding concern about {child} at {school_name} was recorded at "
                f"{when}, and nobody at {school_name} holds the designated safeguarding "
                "lead role in apcase, so nobody can open it.\n\n"
                "Give the school's DSL that role now (the school's user administrator "
                "invites them; the headteacher confirms), and follow the school's "
                "safeguarding procedure in the meantime.\n\n"
                f"{absolute_url(reverse('home'))}"
            ),
        )
    return len(openers) + len(stand_ins)
