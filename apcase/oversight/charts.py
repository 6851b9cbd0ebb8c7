"""The outcome dashboards' charts, drawn server-side as SVG by matplotlib (see
``core.svgchart``, ADR 0008). Each sits beside a table of its numbers (the page's
accessible form); a chart's title says what it shows and that the numbers are in the
table. Bars are horizontal so that long names (providers, meetings) stay readable;
stacked series differ by hatching as well as colour, and each is named in the legend."""

import functools
from typing import Any, NamedTuple

from apcase.core.svgchart import new_figure, render_svg, whole_number_ticks

from .outcomes import Figure

# GOV.UK Design System colours, and a hatching for each so colour is not the only signal.
COLOURS = ("#1d70b8", "#00703c", "#d4351c", "#f47738", "#4c2c92", "#505a5f", "#b58840")
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++")
BAR = 26
LEFT, RIGHT, TOP, BOTTOM = 260, 24, 12, 36
WIDTH = 640


def _legend_height(figure: Figure, legend: bool) -> int:
    return 18 * len(figure.series) + 8 if legend else 0


def _axes(figure: Figure, legend: bool) -> tuple[Any, Any, int]:
    bottom = BOTTOM + _legend_height(figure, legend)
    height = TOP + bottom + BAR * max(len(figure.labels), 1)
    drawing = new_figure(WIDTH, height)
    axes = drawing.add_axes(
        (LEFT / WIDTH, bottom / height, 1 - (LEFT + RIGHT) / WIDTH, 1 - (TOP + bottom) / height)
    )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return drawing, axes, height


def _short(label: str, length: int = 40) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def bars(figure: Figure) -> str:
    """One bar a row; several series are stacked."""
    legend = len(figure.series) > 1
    drawing, axes, _height_px = _axes(figure, legend)
    positions = list(range(len(figure.labels)))
    left = [0.0] * len(positions)
    for index, (name, values) in enumerate(figure.series):
        axes.barh(
            positions,
            values,
            left=left,
            height=0.6,
            color=COLOURS[index % len(COLOURS)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="#ffffff" if index == 0 else "#0b0c0c",
            linewidth=0.5,
            label=_short(name),
            gid=f"series-{index}",
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, [_short(label) for label in figure.labels])
    axes.invert_yaxis()  # the table's first row at the top
    if figure.slug == "attendance":
        axes.set_xlim(0, 100)
    else:
        axes.set_xlim(0, max([*left, 1.0]) * 1.1)
        whole_number_ticks(axes.xaxis)  # counts: whole numbers
    if legend:
        # Below the axis and its numbers, in the space _axes left for it.
        drawing.legend(loc="lower left", bbox_to_anchor=(8 / WIDTH, 0), fontsize=9, frameon=False)
    return render_svg(
        drawing,
        prefix=f"chart-{figure.slug}",
        title=f"{figure.title}: a bar chart; the numbers are in the table beside it",
    )


def spread(figure: Figure) -> str:
    """A box a row: the middle half between the quartiles, the median marked, whiskers
    to the shortest and longest; nothing drawn for a row with no cases."""
    drawing, axes, _height_px = _axes(figure, False)
    stats = []
    positions = []
    for index, row in enumerate(figure.rows):
        _name, count, median, lower, upper, shortest, longest = row
        if not count:
            continue
        positions.append(index)
        stats.append(
            {"med": median, "q1": lower, "q3": upper, "whislo": shortest, "whishi": longest}
        )
    if stats:
        axes.bxp(
            stats,
            positions=positions,
            orientation="horizontal",
            showfliers=False,
            widths=0.5,
            medianprops={"color": "#0b0c0c", "linewidth": 3},
            boxprops={"color": "#1d70b8", "linewidth": 2},
        )
    axes.set_yticks(range(len(figure.labels)), [_short(label) for label in figure.labels])
    axes.set_ylim(len(figure.labels) - 0.5, -0.5)
    axes.set_xlabel("Days")
    return render_svg(
        drawing,
        prefix=f"chart-{figure.slug}",
        title=(
            f"{figure.title}: a box for each, from the lower to the upper quartile with the "
            "median marked and lines to the shortest and longest; the numbers are in the "
            "table beside it"
        ),
    )


def chart_of(figure: Figure) -> str:
    """The figure's chart, or "" when it has no rows (the page says there is nothing)."""
    if not figure.rows:
        return ""
    try:
        return _drawn(_Drawn.of(figure))
    except TypeError:  # a value that cannot be a key (none today): drawn, not kept
        return _draw(figure)


def _draw(figure: Figure) -> str:
    return spread(figure) if figure.chart == "spread" else bars(figure)


class _Drawn(NamedTuple):
    """What a figure's chart is drawn from (`bars` and `spread` read nothing else), as a
    key: the same figures always give the same chart."""

    slug: str
    title: str
    chart: str
    rows: tuple[tuple[Any, ...], ...]
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]

    @classmethod
    def of(cls, figure: Figure) -> "_Drawn":
        drawn = cls(
            figure.slug,
            figure.title,
            figure.chart,
            tuple(tuple(row) for row in figure.rows),
            tuple(figure.labels),
            tuple((name, tuple(values)) for name, values in figure.series),
        )
        hash(drawn)  # TypeError now, for chart_of, if a value cannot be a key
        return drawn


# Drawing the dashboard's ten charts with matplotlib took about three quarters of the
# page at one authority's scale (about 1.5 s of 2 s), though its figures change far
# less often than it is read: as the monitoring charts do (monitoring.charts), each
# chart is drawn once for what it draws and kept for the next view, a bounded number
# per process.
CHARTS_KEPT = 64


@functools.lru_cache(maxsize=CHARTS_KEPT)
def _drawn(what: _Drawn) -> str:
    return _draw(
        Figure(
            slug=what.slug,
            title=what.title,
            header=(),
            rows=list(what.rows),
            labels=list(what.labels),
            series=[(name, list(values)) for name, values in what.series],
            chart=what.chart,
        )
    )
