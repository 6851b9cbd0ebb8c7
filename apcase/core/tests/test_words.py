"""Counts, times and dates in the GOV.UK style, one way everywhere (apcase/core/words.py
and its template filters)."""

import datetime
import re
import zoneinfo

from django.template import Context, Template
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from apcase.core.words import counted, govuk_date, govuk_datetime, govuk_time, percent

CLOCK = re.compile(r"^(midnight|midday|(1[0-2]|[1-9])(:[0-5][0-9])?(am|pm))$")


def _read_back(text: str) -> tuple[int, int]:
    """The hour and minute a reader takes from the words."""
    if text == "midnight":
        return 0, 0
    if text == "midday":
        return 12, 0
    match = CLOCK.match(text)
    assert match, text
    hour = int(match.group(2)) % 12 + (12 if match.group(4) == "pm" else 0)
    return hour, int((match.group(3) or ":0")[1:])


@given(st.integers(min_value=0, max_value=24 * 60 - 1))
def test_every_minute_of_the_day_reads_back_as_itself_in_the_govuk_style(minute: int) -> None:
    hour, minute = divmod(minute, 60)
    text = govuk_time(datetime.time(hour, minute))
    assert CLOCK.match(text), text
    assert _read_back(text) == (hour, minute)
    assert ":00" not in text
    assert text not in {"12am", "12pm", "0am"}


def test_the_minutes_of_a_day_are_all_told_apart() -> None:
    texts = {govuk_time(datetime.time(h, m)) for h in range(24) for m in range(60)}
    assert len(texts) == 24 * 60


def test_times_and_dates_read_as_gov_uk_writes_them() -> None:
    assert [
        govuk_time(datetime.time(*t)) for t in [(9, 0), (12, 36), (12, 0), (0, 0), (0, 5), (23, 59)]
    ] == ["9am", "12:36pm", "midday", "midnight", "12:05am", "11:59pm"]
    assert govuk_date(datetime.date(2026, 12, 1)) == "1 December 2026"
    assert govuk_time(None) == govuk_date(None) == govuk_datetime(None) == ""


@given(
    st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1))
)
def test_a_moment_is_shown_in_the_service_time_zone(moment: datetime.datetime) -> None:
    aware = moment.replace(tzinfo=datetime.UTC)
    local = aware.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    expected = f"{local.day} {local:%B %Y} at {govuk_time(local.time())}"
    assert govuk_datetime(aware) == expected


def test_a_count_takes_the_singular_only_for_one() -> None:
    assert [counted(n, "mark") for n in (0, 1, 2)] == ["0 marks", "1 mark", "2 marks"]
    assert counted(1, "child", "children") == "1 child"
    assert counted(3, "entry", "entries") == "3 entries"


def test_the_template_filters_say_the_same() -> None:
    template = Template(
        "{% load words %}{{ a|counted:'pupil' }}; {{ b|counted:'entry,entries' }}; "
        "{{ t|govuk_time }}; {{ d|govuk_date }}; {{ when|govuk_datetime }}; [{{ none|govuk_time }}]"
    )
    when = timezone.make_aware(datetime.datetime(2026, 7, 1, 12, 0))
    rendered = template.render(
        Context(
            {
                "a": 1,
                "b": 2,
                "t": datetime.time(9, 30),
                "d": datetime.date(2026, 12, 1),
                "when": when,
            }
        )
    )
    assert rendered == "1 pupil; 2 entries; 9:30am; 1 December 2026; 1 July 2026 at midday; []"


def test_the_home_pages_all_listed_item_writes_a_large_count_with_commas():
    """The home page's "All 2,765 open follow-ups" says its count as counted() does."""
    from apcase.core.attention import Heading, all_listed_at

    more = all_listed_at(
        "open follow-ups",
        "/follow-ups/",
        shown="The oldest 20",
        roles=frozenset(),
        heading=Heading.FOLLOW_UPS,
    )
    assert more(2765).title == "All 2,765 open follow-ups"
    assert more(31).title == "All 31 open follow-ups"


@given(
    st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1))
)
def test_a_moments_iso_form_is_what_the_date_filter_writes(moment: datetime.datetime) -> None:
    """`iso_datetime` (a `<time>` element's datetime) writes what `|date:'c'` writes, in
    the service's time zone, summer time and microseconds included; nothing for a
    value that is not a moment."""
    aware = moment.replace(tzinfo=datetime.UTC)
    template = Template(
        "{% load words %}{{ m|iso_datetime }}|{{ m|date:'c' }}|{{ x|iso_datetime }}"
    )
    ours, django, nothing = template.render(Context({"m": aware, "x": "not a moment"})).split("|")
    assert ours == django
    assert datetime.datetime.fromisoformat(ours) == aware
    assert ours.endswith(("+00:00", "+01:00"))
    assert nothing == ""


def test_a_share_is_a_percent_to_one_place_and_a_dash_where_there_is_no_whole() -> None:
    assert percent(7, 8) == "87.5%"
    assert percent(1, 3) == "33.3%"
    assert percent(5, 5) == "100.0%"
    assert percent(0, 0) == "–"
