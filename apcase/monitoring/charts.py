"""Server-side SVG charts (no JavaScript, CSP-safe); every chart sits beside a table
with its numbers for screen readers."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CheckInTrend:
    check_ins: list[Any]
    width: int
    points: dict[str, str]


def check_in_trend(check_ins: list[Any]) -> CheckInTrend:
    """Polyline points for each measure: x every 50px, scores 1–5 mapped to y 100–20."""
    points = {
        name: " ".join(
            f"{50 + i * 50},{120 - getattr(c, name) * 20}" for i, c in enumerate(check_ins)
        )
        for name in ("engagement", "wellbeing", "behaviour")
    }
    return CheckInTrend(check_ins=check_ins, width=60 + 50 * len(check_ins), points=points)
