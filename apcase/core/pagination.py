"""One way to show a long list a page at a time (issue 16, "Scale").

A list view hands its scoped, ordered queryset to `paginate(request, rows, noun=...)` and
passes the `Paged` it gets to its template, which loops over `paged.rows`, says
`paged.summary` ("Showing 51 to 100 of 2,765 referrals") and ends the list with
`{% include "includes/pagination.html" with paged=paged only %}` (the GOV.UK Design
System's pagination component: "Previous" and "Next", the numbered pages around this
one with ellipses between, the current page marked `aria-current="page"`).

- A page holds `PAGE_SIZE` rows. The database counts the rows once (one COUNT) and reads
  only the page's rows, so a page's query count does not grow with the list.
- Each link keeps the page's other query parameters (its filters), changing only `page`.
- A `page` that is not a whole number, or is below 1, shows the first page; one past
  the end shows the last page. Never an error page.
- The rows must be in a total order (end the `order_by` with `pk`), or two pages could
  show the same row and leave another out; `paginate` refuses an unordered queryset.
  A list already built in Python (the compliance board's rows, sorted most red first)
  may be paginated too; its sort must then be total.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from .words import counted

PAGE_SIZE = 50  # rows on one page of a long list
PAGE_PARAMETER = "page"
# The numbered links around the current page: the first, the last, and this many on
# either side of the current one; the gaps between are an ellipsis.
AROUND_CURRENT = 1

M = TypeVar("M")


@dataclass(frozen=True)
class PageLink:
    """One item of the numbered links: a page (`number`, `url`, `current`) or, with
    `number` 0, an ellipsis standing for the pages left out."""

    number: int
    url: str = ""
    current: bool = False

    @property
    def is_ellipsis(self) -> bool:
        return self.number == 0


@dataclass(frozen=True)
class Paged(Generic[M]):
    """One page of a list: its rows and what the page says about the rest."""

    rows: Sequence[M]
    number: int  # this page, from 1
    pages: int  # how many pages there are (1 for an empty list)
    total: int  # how many rows in all, on every page
    first_index: int  # the position of the page's first row in the list, from 1 (0 if none)
    last_index: int
    noun: str  # "referral"
    plural: str  # "" where adding an s is right
    links: tuple[PageLink, ...]
    previous_url: str
    next_url: str

    @property
    def summary(self) -> str:
        """ "Showing 51 to 100 of 2,765 referrals"; "3 referrals" when they fit on one page."""
        everything = counted(self.total, self.noun, self.plural)
        if self.pages == 1:
            return everything
        return f"Showing {self.first_index:,} to {self.last_index:,} of {everything}"

    @property
    def plural_noun(self) -> str:
        """ "referrals": for "There are no referrals to show"."""
        return self.plural or f"{self.noun}s"

    @property
    def is_paginated(self) -> bool:
        return self.pages > 1


def page_number(value: str | None) -> int:
    """The page asked for: a whole number of at least 1, else 1 (never an error)."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(2**31)):
        return 1
    return max(1, int(text))


def _url(query: QueryDict, number: int) -> str:
    params = query.copy()
    params[PAGE_PARAMETER] = str(number)
    return f"?{params.urlencode()}"


def _numbered(query: QueryDict, current: int, pages: int) -> tuple[PageLink, ...]:
    around = range(max(1, current - AROUND_CURRENT), min(pages, current + AROUND_CURRENT) + 1)
    shown = sorted({1, pages, *around})
    links: list[PageLink] = []
    for number in shown:
        if links and number - links[-1].number > 1:
            links.append(PageLink(0))
        links.append(PageLink(number, _url(query, number), number == current))
    return tuple(links)


def paginate(
    request: HttpRequest,
    rows: "QuerySet[Any] | Sequence[M]",
    *,
    noun: str,
    plural: str = "",
    per_page: int | None = None,
    pick_page_first: bool = False,
    count_in_page: bool = False,
    values: Sequence[str] = (),
) -> Paged[M]:
    """The page of `rows` that `?page=` asks for (see the module's docstring), of
    `per_page` rows (PAGE_SIZE unless given).

    `pick_page_first` (a queryset of model rows): the page's primary keys are read
    first, without the joins of `select_related`, and only those rows are then read with
    the joins (two short queries). For a list whose order the database cannot read from
    an index through the joins (the LA's referral list joins every referral's pupil), it
    stops PostgreSQL joining and sorting every row to keep a page of them; the keys are
    passed as values, not as a subquery, so the second read goes by primary key rather
    than reading every row the filters admit to match them. With `values` (column
    names), the page's rows are read as those values: the count and the keys are read
    before any of their joins is made, as a values queryset would make them for every
    row the filters admit.

    `count_in_page` (a queryset): the count is read in the query of the page (or of its
    keys), as a window over every row the filters admit, rather than by a COUNT of its
    own: for a list whose filters cost more than its rows (the LA's pupils, found through
    its panels' referrals), the database applies them once, not twice. A page past the
    end, which holds no row to carry the count, costs a COUNT and a read of the last page.
    """
    if isinstance(rows, QuerySet) and not rows.ordered:
        raise ValueError("Order the rows (ending with pk) before paginating them.")
    size = per_page or PAGE_SIZE
    if count_in_page and isinstance(rows, QuerySet):
        found, number, total = _page_counted(request, rows, size, pick_page_first, values)
    else:
        found, number, total = _page_then_count(request, rows, size, pick_page_first, values)
    pages = max(1, -(-total // size))
    first_index = (number - 1) * size + 1 if total else 0
    query = request.GET
    return Paged(
        rows=found,
        number=number,
        pages=pages,
        total=total,
        first_index=first_index,
        last_index=first_index + len(found) - 1 if total else 0,
        noun=noun,
        plural=plural,
        links=_numbered(query, number, pages),
        previous_url=_url(query, number - 1) if number > 1 else "",
        next_url=_url(query, number + 1) if number < pages else "",
    )


def _page_then_count(
    request: HttpRequest,
    rows: "QuerySet[Any] | Sequence[M]",
    size: int,
    pick_page_first: bool,
    values: Sequence[str],
) -> tuple[list[M], int, int]:
    """A page's rows, its number and the list's count: one COUNT, then the page."""
    paginator: Paginator[M] = Paginator(rows, size, allow_empty_first_page=True)
    total = paginator.count  # one COUNT
    number = min(page_number(request.GET.get(PAGE_PARAMETER)), paginator.num_pages)
    page = paginator.page(number)
    if pick_page_first and isinstance(rows, QuerySet):
        start = page.start_index() - 1 if total else 0
        # values_list reads no table but the list's own and those its filters join.
        picked = rows.values_list("pk", flat=True)
        return _rows_of(rows, list(picked[start : start + size]), values), number, total
    return list(page.object_list), number, total


def _rows_of(rows: "QuerySet[Any]", keys: list[Any], values: Sequence[str]) -> list[Any]:
    """The rows of the list with these keys (passed as values), in the list's order: as
    models, or as the `values` named."""
    found = rows.filter(pk__in=keys)
    return list(found.values(*values) if values else found)


# What each row of a page read with its list's count carries the count as.
_TOTAL = "rows_in_the_list"


def _page_counted(
    request: HttpRequest,
    rows: "QuerySet[Any]",
    size: int,
    pick_page_first: bool,
    values: Sequence[str],
) -> tuple[list[Any], int, int]:
    """A page's rows, its number and the list's count, the count read with the rows."""
    number = page_number(request.GET.get(PAGE_PARAMETER))
    found, total = _read_counted(rows, (number - 1) * size, size, pick_page_first, values)
    if not found and number > 1:  # past the end: the last page, or the first of none
        total = rows.count()
        number = max(1, -(-total // size))
        found, total = _read_counted(rows, (number - 1) * size, size, pick_page_first, values)
    return found, number, total


def _read_counted(
    rows: "QuerySet[Any]", start: int, size: int, pick_page_first: bool, values: Sequence[str]
) -> tuple[list[Any], int]:
    """The `size` rows from `start` and how many rows the list holds (0 if none is
    found), in one query: COUNT(*) OVER () beside each row (two with `pick_page_first`)."""
    counted = rows.annotate(**{_TOTAL: Window(Count("pk"))})
    if pick_page_first:
        keys = list(counted.values_list("pk", _TOTAL)[start : start + size])
        if not keys:
            return [], 0
        return _rows_of(rows, [pk for pk, _ in keys], values), keys[0][1]
    found = list(counted[start : start + size])
    if not found:
        return [], 0
    if isinstance(found[0], dict):
        totals = [row.pop(_TOTAL) for row in found]
        return found, totals[0]
    return found, getattr(found[0], _TOTAL)


def without_page(request: HttpRequest) -> str:
    """The page's query string less `page`: a download of the whole filtered list."""
    params: Any = request.GET.copy()
    params.pop(PAGE_PARAMETER, None)
    return str(params.urlencode())


def render_paged(
    request: HttpRequest,
    template: str,
    rows: "QuerySet[Any] | Sequence[Any]",
    *,
    noun: str,
    plural: str = "",
) -> HttpResponse:
    """`template` rendered with the page of `rows` as `paged` and nothing else: shared by
    the plain list pages (most are where a home-page list sends "the rest"), which
    differed only in their template, rows and noun."""
    return render(request, template, {"paged": paginate(request, rows, noun=noun, plural=plural)})
