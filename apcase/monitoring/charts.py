"""The monitoring charts, drawn server-side as SVG by matplotlib (see
``core.svgchart``); every chart sits beside a table with its numbers, and none carries
the pupil's name (the title names only what is measured)."""

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from apcase.core.svgchart import new_figure, render_svg
from apcase.reference.attendance import PERSISTENT_ABSENCE

from .selectors import WeekBar

BLUE, GREEN, RED, GREY, BLACK = "#1d70b8", "#00703c", "#d4351c", "#b1b4b6", "#0b0c0c"
# Margins around the plotting area, in pixels.
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28
HEIGHT = 180


def persistent_absence_percent() -> int:
    """Attendance below 100% less the persistent-absence share of sessions missed."""
    return round((1 - Fraction(PERSISTENT_ABSENCE)) * 100)


def _axes_for(count: int, step: int) -> tuple[Any, Any]:
    width = max(300, LEFT + RIGHT + step * max(count, 1))
    figure = new_figure(width, HEIGHT)
    axes = figure.add_axes(
        (LEFT / width, BOTTOM / HEIGHT, 1 - (LEFT + RIGHT) / width, 1 - (TOP + BOTTOM) / HEIGHT)
    )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _week_label(week: Any) -> str:
    return f"{week.day}/{week.month}"


def attendance_chart(weeks: Sequence[WeekBar]) -> str:
    """One bar a week, its height the share of possible sessions attended (0 when none
    were possible), against a 0–100% axis with the persistent-absence line."""
    return _attendance_svg(tuple((w.week_starting, w.summary.rate) for w in weeks))


# Drawing a chart with matplotlib takes longer than reading everything else on the
# page, and a child's weeks rarely change between two views: each chart is drawn once
# for the figures it shows (the whole key; the same figures always give the same SVG)
# and kept for the next view, a bounded number of them per process.
CHARTS_KEPT = 128


@functools.lru_cache(maxsize=CHARTS_KEPT)
def _attendance_svg(weeks: tuple[tuple[datetime.date, Fraction | None], ...]) -> str:
    figure, axes = _axes_for(len(weeks), 40)
    line = persistent_absence_percent()
    axes.set_ylim(0, 100)
    axes.set_xlim(-0.5, max(len(weeks), 1) - 0.5)
    axes.set_yticks([0, 50, line, 100], ["0%", "50%", f"{line}%", "100%"])
    axes.axhline(100, color=GREY, linewidth=1, linestyle=(0, (4, 4)), gid="full-line")
    axes.axhline(line, color=RED, linewidth=1.5, linestyle=(0, (2, 2)), gid="persistent-line")
    for index, (_week, rate) in enumerate(weeks):
        axes.bar(index, float(rate or 0) * 100, width=0.6, color=BLUE, gid=f"bar-{index}")
    axes.set_xticks(range(len(weeks)), [_week_label(week) for week, _rate in weeks])
    return render_svg(
        figure,
        prefix="attendance-chart",
        title=(
            "Attendance each week, as a percentage of possible sessions, with the "
            f"persistent-absence line at {line}%; the numbers are in the table below"
        ),
    )


MEASURES = (
    ("engagement", BLUE, "solid", "o"),
    ("wellbeing", GREEN, (0, (6, 3)), "s"),
    ("behaviour", RED, (0, (2, 2)), "^"),
)


@dataclass(frozen=True)
class CheckInTrend:
    check_ins: list[Any]
    svg: str
    # Placements whose check-in comments the viewer may read (the rest show a note).
    readable: frozenset[int] = frozenset()


def check_in_chart(check_ins: Sequence[Any]) -> str:
    """A line a measure, scores 1 (serious concern) to 5 (excellent), one point a week."""
    return _check_in_svg(
        tuple(
            (c.week_starting, *(getattr(c, name) for name, _c, _s, _m in MEASURES))
            for c in check_ins
        )
    )


@functools.lru_cache(maxsize=CHARTS_KEPT)
def _check_in_svg(weeks: tuple[tuple[Any, ...], ...]) -> str:
    figure, axes = _axes_for(len(weeks), 50)
    axes.set_ylim(0.5, 5.5)
    axes.set_xlim(-0.5, max(len(weeks), 1) - 0.5)
    axes.set_yticks([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"])
    for measure, (name, colour, style, marker) in enumerate(MEASURES, start=1):
        axes.plot(
            range(len(weeks)),
            [week[measure] for week in weeks],
            color=colour,
            linestyle=style,
            linewidth=2,
            marker=marker,
            gid=f"{name}-line",
        )
    axes.set_xticks(range(len(weeks)), [_week_label(week[0]) for week in weeks])
    return render_svg(
        figure,
        prefix="check-in-chart",
        title=(
            "Weekly check-in scores from 1 to 5 for engagement, wellbeing and behaviour; "
            "the numbers are in the table below"
        ),
    )


def check_in_trend(check_ins: list[Any], readable: frozenset[int] = frozenset()) -> CheckInTrend:
    return CheckInTrend(
        check_ins=check_ins,
        svg=check_in_chart(check_ins) if check_ins else "",
        readable=readable,
    )
