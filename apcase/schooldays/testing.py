"""Test helpers: a whole school year of invented term dates, so a test's calendar is
*known* (see `calculator`: a year counts only once all its terms are entered)."""

from datetime import date

from apcase.accounts.models import Organisation

from .models import Term

# (name, (month, day) first day, (month, day) last day), shaped like an English year.
HALF_TERMS = [
    ("Autumn 1", (9, 2), (10, 23)),
    ("Autumn 2", (11, 2), (12, 18)),
    ("Spring 1", (1, 4), (2, 12)),
    ("Spring 2", (2, 22), (3, 26)),
    ("Summer 1", (4, 12), (5, 28)),
    ("Summer 2", (6, 7), (7, 21)),
]


def half_terms(year: int) -> list[tuple[str, date, date]]:
    """The six half-terms of school year `year` (2026 for 2026/27)."""
    out = []
    for name, (m1, d1), (m2, d2) in HALF_TERMS:
        y1 = year if m1 >= 9 else year + 1
        y2 = year if m2 >= 9 else year + 1
        out.append((name, date(y1, m1, d1), date(y2, m2, d2)))
    return out


def enter_school_year(
    local_authority: Organisation, year: int, *, only: int | None = None
) -> list[Term]:
    """Enter the school year's half-terms for `local_authority` (the first `only` of
    them when given, to make a partly entered year)."""
    terms = half_terms(year)[:only] if only is not None else half_terms(year)
    return [
        Term.objects.create(local_authority=local_authority, name=name, start_date=s, end_date=e)
        for name, s, e in terms
    ]
