"""Home-page items: a school year whose term dates are missing or incomplete, for the
current school year (and the next one from 1 June). Until every term of a year is
entered, every weekday counts as a school day (registers are expected in the holidays
and exclusion dates are provisional), so the people who keep or use the calendar are
told until it is fixed: the LA admin, who enters term dates, and the school's admin and
headteacher, who keep its closure days."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.core.attention import AttentionItem, Heading

from . import selectors
from .calculator import years_to_watch

CALENDAR_KEEPERS = frozenset({Role.LA_ADMIN} | policies.CLOSURE_DAY_ROLES)
CONSEQUENCE = (
    "Until every term is entered, every weekday counts as a school day: registers are "
    "expected in the holidays and exclusion dates are provisional."
)


def today() -> date:
    return timezone.localdate()


def _missing(status: selectors.YearOfTerms, page: str, who: str) -> AttentionItem:
    """A year with terms missing, linking to `page` where they are (or can be) seen."""
    return AttentionItem(
        title=f"Term dates missing for {status.label}",
        href=reverse(page),
        detail=f"{status.entered} of {status.needed} terms entered{who}. {CONSEQUENCE}",
        tag="Incomplete",
        tag_colour="red",
        roles=CALENDAR_KEEPERS,
        heading=Heading.CALENDAR,
    )


def term_date_items(user: User) -> list[AttentionItem]:
    if not (policies.can_manage_terms(user) or policies.can_manage_closure_days(user)):
        return []
    years = years_to_watch(today())
    items: list[AttentionItem] = []
    seen: set[int | None] = set()
    for la in selectors.local_authorities_kept_by(user):
        seen.add(la.pk)
        for status in selectors.incomplete_years(la.pk, years):
            items.append(_missing(status, "schooldays:terms", f" for {la}"))
    for school in selectors.schools_with_closures_kept_by(user):
        if school.local_authority_id in seen:
            continue
        seen.add(school.local_authority_id)
        la_name = school.local_authority or "your local authority"
        for status in selectors.incomplete_years(school.local_authority_id, years):
            items.append(
                _missing(status, "schooldays:closures", f" by {la_name}; ask them to add the rest")
            )
    return items
