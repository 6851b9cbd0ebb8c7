"""Small pieces the scoped selectors share."""

from collections.abc import Iterable

from django.db.models import Q


def any_of(parts: Iterable[Q]) -> Q | None:
    """The parts joined with OR; None when there are none (the user is no such party,
    so the selector answers with nothing rather than with everything)."""
    combined: Q | None = None
    for part in parts:
        combined = part if combined is None else combined | part
    return combined
