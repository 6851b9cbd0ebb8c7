"""Durations the accounts pages state, worded from the settings that enforce them, so a
page cannot say "1 hour" while the setting says otherwise."""

from datetime import timedelta
from typing import Any

from django import template
from django.conf import settings

from apcase.core.words import counted

register = template.Library()


@register.filter
def duration_words(duration: Any) -> str:
    """A duration in words ("15 minutes", "1 hour"); empty for anything but a timedelta
    (axes gives its cool-off as `cooloff_timedelta` only when it is a fixed time)."""
    if not isinstance(duration, timedelta):
        return ""
    minutes = int(duration.total_seconds() // 60)
    if minutes and minutes % 60 == 0:
        return counted(minutes // 60, "hour")
    return counted(minutes, "minute")


@register.simple_tag
def password_reset_lifetime() -> str:
    """How long a password reset link works (PASSWORD_RESET_TIMEOUT, in seconds)."""
    return duration_words(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))
