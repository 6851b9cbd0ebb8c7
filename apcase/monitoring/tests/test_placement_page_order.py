"""The placement's monitoring page lists its absences by session and its corrections in
the order they were recorded. They are sorted after they are read, so the order is held
here to the one the database gave before: date, session, then the time recorded."""

import datetime

from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.monitoring.models import AttendanceMark
from apcase.monitoring.selectors import attendance_shown_for
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import person
from conftest import sign_in
from tests.helpers import assert_page


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def test_absences_and_corrections_are_listed_as_the_database_ordered_them(world):
    placement = make_placement(world.school, world.provider)
    staff = person(Role.PROVIDER_STAFF, world.provider)
    days = [START + datetime.timedelta(days=n) for n in (0, 1, 3)]

    def mark(day, session, observed, hour, supersedes=None):  # type: ignore[no-untyped-def]
        if supersedes is not None:
            AttendanceMark.objects.filter(pk=supersedes.pk).update(is_current=False)
        return AttendanceMark.objects.create(
            placement=placement,
            pupil=placement.pupil,
            date=day,
            session=session,
            observed=observed,
            recorded_by=staff,
            recorded_at=_at(day, hour),
            supersedes=supersedes,
            reason="Corrected" if supersedes else "",
        )

    # Made out of order: the later day first, the afternoon before the morning, and
    # corrections recorded later than marks of later sessions.
    pm = mark(days[2], "pm", "present", 13)
    mark(days[2], "pm", "absent_illness", 15, supersedes=pm)
    mark(days[2], "am", "absent_no_reason", 9)
    am = mark(days[0], "am", "present", 9)
    first = mark(days[0], "am", "absent_no_reason", 16, supersedes=am)
    mark(days[0], "am", "absent_illness", 17, supersedes=first)
    mark(days[1], "pm", "absent_no_reason", 14)
    mark(days[1], "am", "late", 10)

    shown = attendance_shown_for(placement)
    by_database = list(
        AttendanceMark.objects.filter(placement=placement).order_by(
            "date", "session", "recorded_at"
        )
    )
    assert [m.pk for m in shown.absences] == [
        m.pk for m in by_database if m.is_current and m.observed.startswith("absent")
    ]
    assert [m.pk for m in shown.corrections] == [
        m.pk for m in by_database if m.supersedes_id is not None
    ]
    assert len(shown.absences) == 4
    assert len(shown.corrections) == 3

    client = sign_in(Client(), person(Role.INCLUSION_LEAD, world.school))
    assert_page(client.get(reverse("monitoring:placement", args=[placement.pk])))
