"""The timetable: the half-days a week at the provider."""

from django.db import transaction

from apcase.accounts.models import User
from apcase.core.errors import ValidationFailed
from apcase.core.words import counted
from apcase.reference.attendance import WEEK_SESSIONS
from apcase.reference.census import FULL_TIME_SESSIONS_PER_WEEK

from ..audit import PlacementAction
from ..models import Placement, PlacementSession
from .common import _locked_for_planning, _new_version, record_change


@transaction.atomic
def set_timetable(placement: Placement, *, by: User, sessions: set[tuple[int, str]]) -> Placement:
    """The half-days at the provider each week; the rest of the week is at school."""
    placement = _locked_for_planning(placement, by)
    if not sessions:
        raise ValidationFailed(
            "Choose at least one session at the provider.",
            {"sessions": ["Choose at least one session at the provider."]},
        )
    if not sessions <= WEEK_SESSIONS:
        raise ValidationFailed("Choose sessions from Monday to Friday.")
    if placement.is_additional_part_time and len(sessions) >= FULL_TIME_SESSIONS_PER_WEEK:
        raise ValidationFailed("A second placement must be part time.")
    before = {(s.weekday, s.session) for s in placement.sessions.all()}
    if before == sessions:
        return placement
    placement.sessions.all().delete()
    PlacementSession.objects.bulk_create(
        PlacementSession(placement=placement, weekday=day, session=s) for day, s in sorted(sessions)
    )
    old_count = placement.sessions_per_week
    placement.sessions_per_week = len(sessions)
    _new_version(placement, ["sessions_per_week"])
    record_change(
        by,
        placement,
        PlacementAction.TIMETABLE_SET,
        f"Timetable at the provider: {counted(len(sessions), 'session')} a week",
        {"sessions_per_week": [old_count, len(sessions)]},
    )
    return placement
