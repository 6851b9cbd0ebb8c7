"""The monitoring charts are drawn by matplotlib as inline SVG. Their geometry is read
back from the SVG itself: each bar's value from its height against the axis ticks, to
within one pixel, and the persistent-absence line where it says it is (issue 13: the old
hand-drawn chart put the 90% line at 80% and let 100% bars overshoot)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.monitoring import charts
from apcase.monitoring.selectors import AttendanceSummary, WeekBar
from apcase.monitoring.services import submit_register
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import person
from conftest import sign_in
from tests.helpers import assert_page

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = datetime.date(2026, 9, 7)


def parse(svg: str) -> ET.Element:
    """The chart as XML (our own server's output, so the plain parser is fine)."""
    return ET.fromstring(svg)  # noqa: S314


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]


def _by_id(root: ET.Element, element_id: str) -> ET.Element:
    found = [e for e in root.iter() if e.get("id") == element_id]
    assert len(found) == 1, f"{element_id}: {len(found)} elements"
    return found[0]


def _ticks(root: ET.Element, axis: str) -> dict[str, float]:
    """Each tick label on the axis and the pixel it sits at ("ytick" reads y)."""
    ticks = {}
    for group in root.iter(f"{SVG}g"):
        if re.fullmatch(rf".*-{axis}_\d+", group.get("id", "")):
            text = next(group.iter(f"{SVG}text")).text or ""
            mark = next(group.iter(f"{SVG}use"))
            ticks[text] = float(mark.get("y" if axis == "ytick" else "x", "nan"))
    return ticks


def _ys(group: ET.Element) -> list[float]:
    path = next(group.iter(f"{SVG}path"))
    numbers = _numbers(path.get("d", ""))
    return numbers[1::2]


def _week(present: int, possible: int, index: int = 0) -> WeekBar:
    return WeekBar(
        MONDAY + datetime.timedelta(weeks=index),
        AttendanceSummary(possible=possible, present=present, recorded=possible),
    )


def test_each_bar_reads_back_its_attendance_within_one_pixel():
    weeks = [_week(0, 10, 0), _week(5, 10, 1), _week(9, 10, 2), _week(10, 10, 3)]
    root = parse(charts.attendance_chart(weeks))
    ticks = _ticks(root, "ytick")
    zero, full = ticks["0%"], ticks["100%"]
    assert zero - full > 100  # a tall enough axis for one pixel to matter
    for index, expected in enumerate([0, 50, 90, 100]):
        ys = _ys(_by_id(root, f"attendance-chart-bar-{index}"))
        bottom, top = max(ys), min(ys)
        assert abs(bottom - zero) <= 1, f"bar {index} does not stand on the 0% axis"
        pixels_per_percent = (zero - full) / 100
        assert abs((bottom - top) - expected * pixels_per_percent) <= 1, index
    # The 100% bar reaches the 100% gridline and no further.
    assert abs(min(_ys(_by_id(root, "attendance-chart-bar-3"))) - full) <= 1
    assert all(abs(y - full) <= 1 for y in _ys(_by_id(root, "attendance-chart-full-line")))


def test_the_persistent_absence_line_is_at_90_percent():
    root = parse(charts.attendance_chart([_week(9, 10), _week(3, 4, 1)]))
    ticks = _ticks(root, "ytick")
    ninety = ticks["0%"] - 0.9 * (ticks["0%"] - ticks["100%"])
    assert charts.persistent_absence_percent() == 90
    ys = _ys(_by_id(root, "attendance-chart-persistent-line"))
    assert ys
    assert all(abs(y - ninety) <= 1 for y in ys)
    assert abs(ticks["90%"] - ninety) <= 1


def test_a_week_with_no_possible_sessions_has_no_bar_height():
    root = parse(charts.attendance_chart([_week(0, 0)]))
    ys = _ys(_by_id(root, "attendance-chart-bar-0"))
    assert max(ys) - min(ys) <= 1


def test_each_check_in_point_reads_back_its_score_within_one_pixel():
    class CheckIn:
        def __init__(self, week: int, engagement: int, wellbeing: int, behaviour: int):
            self.week_starting = MONDAY + datetime.timedelta(weeks=week)
            self.engagement, self.wellbeing, self.behaviour = engagement, wellbeing, behaviour

    check_ins = [CheckIn(0, 1, 5, 3), CheckIn(1, 4, 2, 5), CheckIn(2, 5, 1, 1)]
    root = parse(charts.check_in_chart(check_ins))
    ticks = _ticks(root, "ytick")
    one, five = ticks["1"], ticks["5"]
    columns = _ticks(root, "xtick")
    for name in ("engagement", "wellbeing", "behaviour"):
        numbers = _numbers(
            next(_by_id(root, f"check-in-chart-{name}-line").iter(f"{SVG}path")).get("d", "")
        )
        points = list(zip(numbers[0::2], numbers[1::2], strict=True))
        assert len(points) == len(check_ins)
        for (x, y), check_in in zip(points, check_ins, strict=True):
            score = getattr(check_in, name)
            assert abs(y - (one - (score - 1) * (one - five) / 4)) <= 1, (name, score)
            label = f"{check_in.week_starting.day}/{check_in.week_starting.month}"
            assert abs(x - columns[label]) <= 1


def test_the_chart_stays_plain_svg_when_another_library_registers_an_svg_prefix():
    """qrcode registers "svg:" for the SVG namespace; the chart must still be <svg>."""
    ET.register_namespace("svg", "http://www.w3.org/2000/svg")
    svg = charts.attendance_chart([_week(9, 10)])
    assert svg.startswith("<svg ")
    assert "svg:" not in svg
    assert "xlink" not in svg


def test_the_charts_carry_no_inline_style_and_unique_ids():
    """The content security policy allows no inline styles: none is left in the SVG."""
    svg = charts.attendance_chart([_week(9, 10)])
    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.get("id") == root.get("aria-labelledby")
    assert not any("style" in e.attrib for e in root.iter())
    assert root.find(f".//{SVG}style") is None
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("attendance-chart-") for i in ids)


@pytest.mark.django_db
def test_the_placement_page_shows_the_chart_beside_its_table_under_the_csp(world, client):
    placement = make_placement(world.school, world.provider, start_date=MONDAY)
    staff = person(Role.PROVIDER_STAFF, world.provider)
    for day in range(3):
        submit_register(
            by=staff,
            provider=world.provider,
            day=MONDAY + datetime.timedelta(days=day),
            session="am",
            marks={placement.pk: "/" if day else "N"},
            reason="Entered afterwards",
        )
    sign_in(client, staff)
    response = client.get(reverse("monitoring:placement", kwargs={"placement_id": placement.pk}))
    assert_page(response, contains=["Attendance each week", "66.7%"])
    html = response.content.decode()
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "attendance-chart-title"
    assert not any("style" in e.attrib for e in root.iter())
    pupil = placement.pupil
    for name in {pupil.display_name, pupil.legal_first_name, pupil.legal_last_name}:
        assert name not in svg
    ticks = _ticks(root, "ytick")
    ys = _ys(_by_id(root, "attendance-chart-bar-0"))
    height = (max(ys) - min(ys)) / (ticks["0%"] - ticks["100%"])
    assert abs(height * (ticks["0%"] - ticks["100%"]) - 2 / 3 * (ticks["0%"] - ticks["100%"])) <= 1


def test_a_chart_is_drawn_once_for_its_figures_and_again_when_they_change():
    charts._attendance_svg.cache_clear()
    first = charts.attendance_chart([_week(9, 10)])
    assert charts.attendance_chart([_week(9, 10)]) is first
    changed = parse(charts.attendance_chart([_week(4, 10)]))
    ticks = _ticks(changed, "ytick")
    ys = _ys(_by_id(changed, "attendance-chart-bar-0"))
    assert abs((max(ys) - min(ys)) - 0.4 * (ticks["0%"] - ticks["100%"])) <= 1
    charts._attendance_svg.cache_clear()
    assert charts.attendance_chart([_week(9, 10)]) == first
