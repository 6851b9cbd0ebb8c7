"""Attendance figures from marks the database has counted are those of the marks
themselves: the compliance board counts a year of registers per child in SQL."""

from collections import Counter

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from apcase.monitoring.models import AttendanceMark
from apcase.monitoring.selectors import (
    attendance_of_placement,
    attendance_of_pupil,
    attendance_shown_for,
    attendance_summaries_of_placements,
    attendance_summary_of_placement,
    current_marks,
    summarise,
    summarise_counted,
)
from apcase.placements.models import Placement
from apcase.pupils.models import Pupil
from apcase.reference import attendance as codes


@given(st.lists(st.sampled_from(sorted(codes.BY_CODE)), max_size=60))
def test_counted_marks_give_the_same_figures_as_the_marks(marks):
    assert summarise_counted(Counter(marks).items()) == summarise(marks)


def test_counts_weigh_each_code():
    summary = summarise_counted([("B", 3), ("N", 1), ("D", 2)])
    assert (summary.present, summary.possible, summary.recorded) == (3, 4, 6)


@pytest.mark.django_db
def test_attendance_counted_by_the_database_is_that_of_the_marks():
    call_command("generate_scale_data", "--scale", "0.002", "--no-progress", stdout=None)
    pupils = Pupil.objects.filter(marks__isnull=False).distinct()
    assert pupils.exists()
    for pupil in pupils:
        marks = [m.home_code for m in current_marks(pupil=pupil)]
        assert attendance_of_pupil(pupil) == summarise(marks), pupil.pk
        assert attendance_of_pupil(pupil).recorded == len(marks) > 0
    for placement in Placement.objects.filter(marks__isnull=False).distinct():
        summary, _weeks, _marks = attendance_of_placement(placement)
        assert attendance_summary_of_placement(placement) == summary, placement.pk
    # Read together (the pupil page's outcomes), each placement's figures are its own,
    # one with no current mark included.
    placements = list(Placement.objects.order_by("pk"))
    AttendanceMark.objects.filter(placement=placements[0]).update(is_current=False)
    together = attendance_summaries_of_placements(placements)
    assert together == {p.pk: attendance_summary_of_placement(p) for p in placements}
    assert together[placements[0].pk].recorded == 0 < together[placements[1].pk].recorded


@pytest.mark.django_db
def test_the_monitoring_pages_counted_weeks_and_absences_are_those_of_the_marks():
    """The placement's monitoring page counts its weeks in the database and reads only
    the absences: the same summary, bars and absences (in order, with their home-school
    codes) as from every current mark loaded."""
    call_command("generate_scale_data", "--scale", "0.002", "--no-progress", stdout=None)
    placements = Placement.objects.filter(marks__isnull=False).distinct()
    assert placements.exists()
    for placement in placements:
        summary, weeks, marks = attendance_of_placement(placement)
        shown = attendance_shown_for(placement)
        assert shown.summary == summary, placement.pk
        assert shown.weeks == weeks, placement.pk
        absences = [(m.pk, m.home_code, m.meaning) for m in marks if m.is_absence]
        assert [(m.pk, m.home_code, m.meaning) for m in shown.absences] == absences
    assert any(attendance_shown_for(p).absences for p in placements)


@pytest.mark.django_db
def test_a_placement_with_no_current_mark_shows_no_weeks_and_no_absences():
    call_command("generate_scale_data", "--scale", "0.002", "--no-progress", stdout=None)
    placement = Placement.objects.filter(marks__isnull=False).first()
    AttendanceMark.objects.filter(placement=placement).update(is_current=False)
    shown = attendance_shown_for(placement)
    assert (shown.summary.recorded, shown.weeks, shown.absences) == (0, [], [])
