"""What an audit event changed, in words for the chronology: "Follow-up date changed
from 3 December 2026 to 5 December 2026", not "Changed: follow up".

The event's `changes` are `{name: [before, after]}` (`services.record_event`). Each name
is told by the label of the target model's field of that name (its verbose_name) or, for
a fact that is no field, by the name itself; each value by what it means: a choice by
its label, a date or time as the service writes them (`core.words`), yes or no, the
record a reference points at. Free text (a text field, or anything long) is not
repeated in the chronology: it says only that the text changed, and the record itself
holds it."""

import datetime
import functools
import re
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.text import capfirst

from apcase.core.words import govuk_date, govuk_datetime, govuk_time

from .models import AuditEvent

LONGEST_VALUE = 60  # longer text is free text: named, not repeated
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
# Words a field name spells apart that English joins.
JOINED = {"follow up": "follow-up", "check in": "check-in", "part time": "part-time"}


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _label(field: models.Field[Any, Any] | None, name: str) -> str:
    words = str(field.verbose_name) if field is not None else name.replace("_", " ")
    for apart, joined in JOINED.items():
        words = words.replace(apart, joined)
    return capfirst(words.strip()) or name


def _parsed(value: str) -> str | None:
    if ISO_DATE.match(value):
        return govuk_date(datetime.date.fromisoformat(value))
    if ISO_DATETIME.match(value):
        try:
            return govuk_datetime(datetime.datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def _referred(field: models.Field[Any, Any], value: Any) -> str:
    related = field.related_model
    if not isinstance(related, type):
        return str(value)
    try:
        found = related._default_manager.filter(pk=value).first()
    except (TypeError, ValueError, ValidationError):
        return str(value)  # recorded by name, not by reference ("provider": the name)
    return str(found) if found is not None else "a record since removed"


def _value(field: models.Field[Any, Any] | None, value: Any) -> str | None:
    """The value in words, or None where it is free text not to be repeated."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        parts = [_value(field, item) for item in value]
        return None if None in parts else ", ".join(str(p) for p in parts) or "none"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.is_relation and value not in (None, ""):
        return _referred(field, value)
    if isinstance(value, datetime.time):
        return govuk_time(value)
    text = str(value).strip()
    if isinstance(field, models.TextField) or len(text) > LONGEST_VALUE:
        return None
    return _parsed(text) or text


def _sentence(field: models.Field[Any, Any] | None, name: str, pair: Any) -> str:
    label = _label(field, name)
    if not isinstance(pair, list | tuple) or len(pair) != 2:  # noqa: PLR2004 - [before, after]
        return f"{label} recorded"  # a row older than the {name: [before, after]} rule
    before, after = (None if v in (None, "", []) else v for v in pair)
    if before is None and after is None:
        return f"{label} cleared"
    old = _value(field, before) if before is not None else None
    new = _value(field, after) if after is not None else None
    if before is None:
        return f"{label}: {new}" if new is not None else f"{label} added"
    if after is None:
        return f"{label} removed (was {old})" if old is not None else f"{label} removed"
    if old is None or new is None:
        return f"{label} changed"
    return f"{label} changed from {old} to {new}"


def described(event: AuditEvent) -> list[str]:
    """Each change the event records, in words, in the order of the record's form (the
    model's fields), then any other name alphabetically. Not the order written: a
    PostgreSQL JSON column keeps its keys in its own order, so that would differ
    between databases."""
    if not isinstance(event.changes, dict):
        return []
    model = _model(event.target_type)
    order = _field_order(model) if model else {}
    names = sorted(event.changes, key=lambda name: (order.get(name, len(order)), name))
    return [_safely(_field(model, name), name, event.changes[name]) for name in names]


@functools.cache
def _field_order(model: type[models.Model]) -> dict[str, int]:
    """Each field's place in the model's form: worked out once per model, not once per
    event of a chronology that lists a hundred."""
    return {f.name: i for i, f in enumerate(model._meta.get_fields())}


def _safely(field: models.Field[Any, Any] | None, name: str, pair: Any) -> str:
    """A value of a shape nobody foresaw (a stored row is never rewritten) is named, not
    told: the chronology page must open whatever a past event recorded."""
    try:
        return _sentence(field, name, pair)
    except (TypeError, ValueError, LookupError, ValidationError):
        return f"{_label(field, name)} changed"
