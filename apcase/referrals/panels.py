"""Which inclusion panel hears a school's referrals, and at which meeting: answered by
the panel app, which registers its selectors here from its AppConfig.ready().

The panel app sits above referrals (it decides referrals, docs/adr/0006-app-layering.md),
so referrals never imports it; a referral only points at its panel and meeting through
the foreign keys "panel.InclusionPanel" and "panel.PanelMeeting"."""

import datetime
from collections.abc import Callable
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from apcase.accounts.models import Organisation


class PanelCalendar(Protocol):
    def panel_for_school(self, school: Organisation) -> Any: ...

    def meeting_for_submission(self, panel: Any, *, on: datetime.date) -> Any: ...

    def next_meeting_after(self, panel: Any, *, day: datetime.date) -> Any: ...

    def next_meeting_from(self, panel: Any, *, day: datetime.date) -> Any: ...


_calendar: PanelCalendar | None = None


def register(calendar: PanelCalendar) -> None:
    global _calendar  # set once, from the panel app's ready()
    _calendar = calendar


def _panels() -> PanelCalendar:
    if _calendar is None:
        raise ImproperlyConfigured("No panel calendar: is apcase.panel in INSTALLED_APPS?")
    return _calendar


def panel_for_school(school: Organisation) -> Any:
    """The inclusion panel the school refers to, or None."""
    return _panels().panel_for_school(school)


def meeting_for_submission(panel: Any, *, on: datetime.date) -> Any:
    """The meeting whose agenda a referral submitted on `on` joins, or None."""
    return _panels().meeting_for_submission(panel, on=on)


def next_meeting_after(panel: Any, *, day: datetime.date) -> Any:
    """The first scheduled meeting after `day`, or None."""
    return _panels().next_meeting_after(panel, day=day)


def next_meeting_from(panel: Any, *, day: datetime.date) -> Any:
    """The first scheduled meeting on or after `day`, or None."""
    return _panels().next_meeting_from(panel, day=day)


# The letters to the pupil's parents a referral's decisions call for, and whether each
# was sent (panel.letters.letters_for_referral), for the referral page.
_letters: Callable[[Any], list[Any]] | None = None


def register_letters(letters_for_referral: Callable[[Any], list[Any]]) -> None:
    global _letters  # set once, from the panel app's ready()
    _letters = letters_for_referral


def letters_for_referral(referral: Any) -> list[Any]:
    """Each letter to a parent or carer about the referral's decisions (none before a
    decision)."""
    if _letters is None:
        raise ImproperlyConfigured("No panel letters: is apcase.panel in INSTALLED_APPS?")
    return _letters(referral)


# Who is told that a meeting's agenda changed (a referral or an emergency placement
# joined or left it): the panel app, which prepares the meeting's pack again once the
# change commits (panel.pack.prepare_after_commit, docs/adr/0013-panel-pack-stored.md).
_agenda_watch: Callable[[set[int]], None] | None = None


def register_agenda_watch(watch: Callable[[set[int]], None]) -> None:
    global _agenda_watch  # set once, from the panel app's ready()
    _agenda_watch = watch


def agenda_changed(*meeting_ids: int | None) -> None:
    """The agendas of these meetings changed (None, for no meeting, is left out)."""
    ids = {meeting_id for meeting_id in meeting_ids if meeting_id}
    if ids and _agenda_watch is not None:
        _agenda_watch(ids)
