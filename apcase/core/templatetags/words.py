"""The service's words as template filters (`apcase/core/words.py`):

- `{{ count|counted:"mark" }}` "1 mark", "2 marks"; `{{ n|counted:"child,children" }}`;
- `{{ meeting.start_time|govuk_time }}` "9am", "12:36pm", "midday", "midnight";
- `{{ day|govuk_date }}` "1 December 2026";
- `{{ concern.recorded_at|govuk_datetime }}` "1 December 2026 at 12:36pm";
- `{{ entry.occurred_at|iso_datetime }}` "2026-12-01T12:36:00+00:00", for a `<time>`
  element's `datetime`: what `|date:'c'` writes, without building a date formatter for
  each row of a long list."""

import datetime

from django import template

from apcase.core import words

register = template.Library()

# Like Django's date and time filters, anything that is not a date or time shows as "".


@register.filter
def counted(count: object, nouns: str) -> str:
    singular, _, plural = nouns.partition(",")
    try:
        number = int(count or 0)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return f"{count} {plural or singular + 's'}"
    return words.counted(number, singular, plural)


@register.filter
def govuk_time(value: object) -> str:
    return words.govuk_time(value) if isinstance(value, (datetime.datetime, datetime.time)) else ""


@register.filter
def govuk_date(value: object) -> str:
    return words.govuk_date(value) if isinstance(value, datetime.date) else ""


@register.filter
def govuk_datetime(value: object) -> str:
    return words.govuk_datetime(value) if isinstance(value, datetime.datetime) else ""


@register.filter(expects_localtime=True)
def iso_datetime(value: object) -> str:
    # expects_localtime: the template puts the moment into the current time zone first,
    # as it does for Django's date filter.
    return value.isoformat() if isinstance(value, datetime.datetime) else ""
