"""What needs a user's attention on their home page: their work list. Each app
contributes a provider function; the home page asks them all and groups what they give
under the role whose work it is, then under the list it belongs to (`Heading`). Apps
register in their AppConfig.ready()."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, Model, QuerySet, Window

from .memo import one_page

if TYPE_CHECKING:
    from apcase.accounts.models import User

T = TypeVar("T", bound=Model)
R = TypeVar("R")


class Heading:
    """The lists of a work list, in the order the home page shows them under a role."""

    IN_AP_NOW = "Children in alternative provision now"
    REGISTERS = "Registers not yet taken today"
    STARTING = "Pupils starting this week"
    CHECK_INS = "Check-ins due"
    SAFEGUARDING = "Safeguarding"
    REFERRALS = "Referrals to finish"
    SIGN_OFFS = "Sign-offs awaiting the headteacher"
    RATIFICATIONS = "Emergency placements awaiting ratification"
    FOLLOW_UPS = "Follow-ups"
    DUE = "Reviews and visits due"
    PLANS = "Plans awaiting agreement"
    MEETINGS = "Next panel meeting"
    DECISIONS = "Decisions to record"
    LETTERS = "Letters not sent"
    SCHEDULING = "Referrals awaiting scheduling"
    PROVIDERS = "Providers"
    ATTENDANCE = "Attendance to code"
    PLACEMENTS = "Placements"
    CALENDAR = "Term dates"
    OTHER = "Other work"

    ORDER = (
        IN_AP_NOW,
        REGISTERS,
        STARTING,
        CHECK_INS,
        SAFEGUARDING,
        REFERRALS,
        SIGN_OFFS,
        RATIFICATIONS,
        FOLLOW_UPS,
        DUE,
        PLANS,
        MEETINGS,
        DECISIONS,
        LETTERS,
        SCHEDULING,
        PROVIDERS,
        ATTENDANCE,
        PLACEMENTS,
        CALENDAR,
        OTHER,
    )


@dataclass(frozen=True)
class AttentionItem:
    title: str
    href: str
    detail: str = ""
    tag: str = ""  # e.g. "Overdue", shown as a GOV.UK tag
    tag_colour: str = ""  # a GOV.UK tag colour ("red", "yellow"...), for {% govuk_tag %}
    # Whose work it is: the home page lists it under the first of these roles the user
    # holds (in the order of accounts.roles.Role), or under "Other work" if none.
    roles: frozenset[str] = frozenset()
    heading: str = Heading.OTHER  # the list it belongs to under that role


_providers: list[Callable[[Any], list[AttentionItem]]] = []


def register(provider: Callable[[Any], list[AttentionItem]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def items_for(user: "User") -> list[AttentionItem]:
    """Every provider's items. The providers only read, so what several of them ask
    (where the user stands in, say) is read once for them all (memo.one_page)."""
    items: list[AttentionItem] = []
    with one_page():
        for provider in _providers:
            items.extend(provider(user))
    return items


def capped(
    rows: QuerySet[T],
    item: Callable[[T], AttentionItem],
    *,
    shown: int,
    more: Callable[[int], AttentionItem],
) -> list[AttentionItem]:
    """The items of the first `shown` rows and, when there are more rows than that, one
    item `more(count)` that says how many there are in all and links to the page listing
    every one: a home page keeps its length without hiding work silently."""
    items = [item(row) for row in rows[:shown]]
    if len(items) == shown and (count := rows.count()) > shown:
        items.append(more(count))
    return items


def capped_in_one_read(
    rows: QuerySet[T],
    item: Callable[[T], AttentionItem],
    *,
    shown: int,
    more: Callable[[int], AttentionItem],
) -> list[AttentionItem]:
    """`capped`, with how many rows there are in all read in the same query as the first
    `shown` (a window count), so the page asks as many queries whether the list is short
    or long. For a list of what one provider or authority has to do (a few hundred rows
    at most, each of which the database reads to count anyway), not for a list an index
    would stop reading after `shown`."""
    first = list(rows.annotate(_in_all=Window(Count("pk")))[:shown])
    items = [item(row) for row in first]
    if first and (count := first[0]._in_all) > shown:
        items.append(more(count))
    return items


def capped_list(
    rows: Sequence[R],
    items: Callable[[R], Iterable[AttentionItem]],
    *,
    shown: int,
    more: Callable[[int], AttentionItem],
) -> list[AttentionItem]:
    """`capped`, for rows already worked out in Python (a list, not a query): the items
    of the first `shown` rows (a row may give several, or none) and, when there are more
    rows than that, `more(len(rows))`."""
    found = [item for row in rows[:shown] for item in items(row)]
    if len(rows) > shown:
        found.append(more(len(rows)))
    return found


def all_listed_at(
    what: str, href: str, *, shown: str, roles: frozenset[str], heading: str
) -> Callable[[int], AttentionItem]:
    """`capped`'s `more` item: "All 31 <what>", linking to `href`, the page that lists
    every one; `shown` says which the home page lists ("The oldest 20")."""
    return lambda count: AttentionItem(
        title=f"All {count:,} {what}",
        href=href,
        detail=f"{shown} are listed above.",
        roles=roles,
        heading=heading,
    )
