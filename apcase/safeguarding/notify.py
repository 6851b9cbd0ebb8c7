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
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.core.words import govuk_date, govuk_time
from apcase.notifications import messages

from .models import Concern


def recipients(concern: Concern) -> tuple[list[User], list[User]]:
    """(DSLs who can open it, people told only that a school has no DSL)."""
    school_dsls = holders(concern.school, policies.SAFEGUARDING_ROLES)
    provider_dsls = holders(concern.raised_at_provider, policies.PROVIDER_SAFEGUARDING_ROLES)
    openers = _once(school_dsls + provider_dsls)
    stand_ins: list[User] = []
    if not school_dsls:
        stand_ins = holders(concern.school, frozenset({Role.HEADTEACHER}))
        stand_ins += holders(concern.school.local_authority, policies.LA_SAFEGUARDING_ROLES)
    return openers, [p for p in _once(stand_ins) if p not in openers]


def _once(people: list[User]) -> list[User]:
    return list(dict.fromkeys(people))


def alert_concern_raised(concern: Concern) -> int:
    """Queue the alerts in the caller's transaction; returns how many were queued."""
    openers, stand_ins = recipients(concern)
    when = f"{govuk_time(concern.recorded_at)} on {govuk_date(concern.recorded_at)}"
    told = messages.send(
        "safeguarding/messages/concern_raised.txt",
        to=openers,
        child=concern.pupil,
        link=reverse("safeguarding:detail", args=[concern.pk]),
        urgent=True,
        when=when,
    )
    return told + messages.send(
        "safeguarding/messages/no_dsl.txt",
        to=stand_ins,
        child=concern.pupil,
        link=reverse("home"),
        urgent=True,
        when=when,
        school=concern.school.name,
    )
