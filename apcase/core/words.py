"""How the service writes counts, times and dates, in the GOV.UK style, one way
everywhere (templates use them as filters: `{% load words %}`,
`apcase/core/templatetags/words.py`).

- A count with its noun, singular for one: "1 mark", "2 marks", "0 referrals", with
  commas in a number over 999: "2,765 referrals".
- A share of a whole, to one decimal place: "87.5%", and "–" where the whole is none.
- A time: "9am", "12:36pm", "midday", "midnight" (never "12pm", "09:00" or "0:00").
- A date: "1 December 2026"; a date and time: "1 December 2026 at 12:36pm".

- A child's pronouns from their record (`pronouns_for`): "she", "he", or "they" where
  none is recorded; never assumed.

A datetime is shown in the service's time zone (settings.TIME_ZONE)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.text import capfirst


def counted(count: int | Decimal, singular: str, plural: str = "") -> str:
    """ "1 mark", "2 marks", "2,765 marks"; `plural` where adding an s is wrong ("1 child",
    "2 children")."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def percent(part: int, whole: int) -> str:
    """ "87.5%": `part` of `whole` to one decimal place; "–" when `whole` is 0 (no
    session was possible, say)."""
    return f"{part / whole * 100:.1f}%" if whole else "–"


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def govuk_time(value: datetime.time | datetime.datetime | None) -> str:
    """ "9am", "12:36pm", "midday", "midnight"; "" for no time."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).time()
    hour, minute = value.hour, value.minute
    if (hour, minute) == (0, 0):
        return "midnight"
    if (hour, minute) == (12, 0):
        return "midday"
    suffix = "am" if hour < 12 else "pm"  # noqa: PLR2004 - noon
    on_clock = hour % 12 or 12
    return f"{on_clock}{suffix}" if minute == 0 else f"{on_clock}:{minute:02d}{suffix}"


def govuk_date(value: datetime.date | None) -> str:
    """ "1 December 2026"; "" for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: datetime.datetime | None) -> str:
    """ "1 December 2026 at 12:36pm"; "" for none."""
    if value is None:
        return ""
    # Put into the service's time zone once (a long list writes many), then the date
    # and the time of that moment.
    local = _local(value)
    return f"{govuk_date(local.date())} at {govuk_time(local.time())}"


@dataclass(frozen=True)
class Pronouns:
    """How text about a child refers to them: taken from their record, never assumed."""

    subject: str  # "she", "he", "they"
    object: str  # "her", "him", "them"
    possessive: str  # "her", "his", "their"
    plural_verb: bool = False  # "they are", "they need"

    def fill(self, text: str) -> str:
        """`text` with {he}, {him}, {his} (or {He}, {His}) in this child's words, and
        the verb after {he} agreeing with it: "{he} {is}" is "she is" or "they are",
        "{he} need{s}" is "he needs" or "they need"."""
        return text.format_map(
            {
                "he": self.subject,
                "him": self.object,
                "his": self.possessive,
                "He": capfirst(self.subject),
                "His": capfirst(self.possessive),
                "is": "are" if self.plural_verb else "is",
                "s": "" if self.plural_verb else "s",
            }
        )


THEY = Pronouns("they", "them", "their", plural_verb=True)
# The school census records sex as F or M; anything else (not recorded) is "they".
BY_SEX = {"F": Pronouns("she", "her", "her"), "M": Pronouns("he", "him", "his")}


def pronouns_for(sex: str | None) -> Pronouns:
    """A child's pronouns from the sex on their record; "they" when none is recorded."""
    return BY_SEX.get(sex or "", THEY)
