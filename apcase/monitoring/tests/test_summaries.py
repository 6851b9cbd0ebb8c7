"""Attendance figures from marks the database has counted are those of the marks
themselves: the compliance board counts a year of registers per child in SQL."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from apcase.monitoring.selectors import summarise, summarise_counted
from apcase.reference import attendance as codes


@given(st.lists(st.sampled_from(sorted(codes.BY_CODE)), max_size=60))
def test_counted_marks_give_the_same_figures_as_the_marks(marks):
    assert summarise_counted(Counter(marks).items()) == summarise(marks)


def test_counts_weigh_each_code():
    summary = summarise_counted([("B", 3), ("N", 1), ("D", 2)])
    assert (summary.present, summary.possible, summary.recorded) == (3, 4, 6)
