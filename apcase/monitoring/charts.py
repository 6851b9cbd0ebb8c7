"""Server-side SVG charts (no JavaScript, CSP-safe); every chart sits beside a table
with its numbers for screen readers."""

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from apcase.reference.attendance import PERSISTENT_ABSENCE


@dataclass(frozen=True)
class ThresholdLine:
    """The attendance chart's line below which a pupil is persistently absent."""

    percent: int
    y: int


def persistent_absence_line() -> ThresholdLine:
    """Attendance below 100% less the persistent-absence share of sessions missed, on the
    chart's axis (100% at y=20, 0% at y=110)."""
    percent = round((1 - Fraction(PERSISTENT_ABSENCE)) * 100)
    return ThresholdLine(percent=percent, y=round(110 - percent * 0.9))


@dataclass(frozen=True)
class CheckInTrend:
    check_ins: list[Any]
    width: int
    points: dict[str, str]
    # Placements whose check-in comments the viewer may read (the rest show a note).
    readable: frozenset[int] = frozenset()


def check_in_trend(check_ins: list[Any], readable: frozenset[int] = frozenset()) -> CheckInTrend:
    """Polyline points for each measure: x every 50px, scores 1–5 mapped to y 100–20."""
    points = {
        name: " ".join(
            f"{50 + i * 50},{120 - getattr(c, name) * 20}" for i, c in enumerate(check_ins)
        )
        for name in ("engagement", "wellbeing", "behaviour")
    }
    return CheckInTrend(
        check_ins=check_ins, width=60 + 50 * len(check_ins), points=points, readable=readable
    )
