"""Small pieces the scoped selectors share."""

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def any_of(parts: Iterable[Q]) -> Q | None:
    """The parts joined with OR; None when there are none (the user is no such party,
    so the selector answers with nothing rather than with everything)."""
    combined: Q | None = None
    for part in parts:
        combined = part if combined is None else combined | part
    return combined


def one_or_404(rows: QuerySet[M], pk: int, missing: str) -> M:
    """The row `pk` among `rows` (a scoped selector's query), or a 404 saying `missing`:
    a row the user may not see is as missing to them as one that does not exist."""
    # No ORDER BY: one key names at most one row, and ordering a query that selects
    # related rows makes Django hash every selected column (thousands of calls for a
    # placement with its pupil, school, authority, provider and named staff member).
    found = next(iter(rows.filter(pk=pk).order_by()[:1]), None)
    if found is None:
        raise Http404(missing)
    return found
