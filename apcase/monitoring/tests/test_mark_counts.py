"""The counts of current marks the database keeps (MarkCount, kept by triggers) are the
marks counted, whatever writes them: the register, a correction, a school's code, a
bulk insert, an update or a delete straight to the table."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apcase.accounts.roles import Role
from apcase.monitoring.models import AttendanceMark, MarkCount
from apcase.placements.tests.factories import START, make_placement
from apcase.reference import attendance as codes
from apcase.referrals.tests.factories import person

pytestmark = pytest.mark.django_db

OBSERVED = [o.value for o in codes.Observation] + [""]
CODED = ["", "I", "M", "O", "C"]
WRITES = st.lists(
    st.tuples(
        st.sampled_from(["insert", "bulk", "supersede", "code", "move", "delete", "retire"]),
        st.integers(min_value=0, max_value=40),  # which day (and which mark)
        st.sampled_from(OBSERVED),
        st.sampled_from(CODED),
    ),
    max_size=20,
)


def _counted() -> set[tuple[int, str, str, int]]:
    return set(
        AttendanceMark.objects.filter(is_current=True)
        .values_list("placement_id", "observed", "code")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _kept() -> set[tuple[int, str, str, int]]:
    assert not MarkCount.objects.filter(n__lt=0).exists()
    return set(
        MarkCount.objects.filter(n__gt=0).values_list("placement_id", "observed", "code", "n")
    )


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@example(  # a correction moved to the other placement, then a bulk insert over the old mark
    writes=[("bulk", 0, "", ""), ("supersede", 0, "", ""), ("move", 1, "", ""), ("bulk", 0, "", "")]
)
@given(writes=WRITES)
def test_the_kept_counts_are_the_current_marks_counted(world, writes):
    staff = person(Role.PROVIDER_STAFF, world.provider)
    placements = [make_placement(world.school, world.provider) for _ in range(2)]
    for step, (write, n, observed, code) in enumerate(writes):
        placement = placements[n % 2]
        day = START + datetime.timedelta(days=n)
        fields = {
            "placement": placement,
            "pupil": placement.pupil,
            "session": "am" if step % 2 else "pm",
            "observed": observed,
            "code": code,
            "recorded_by": staff,
            "recorded_at": timezone.now(),
        }
        current = AttendanceMark.objects.filter(is_current=True, placement__in=placements).order_by(
            "pk"
        )
        mark = current[n % current.count()] if current.exists() else None
        if write == "insert":
            AttendanceMark.objects.filter(
                **{k: fields[k] for k in ("placement", "session")}, date=day, is_current=True
            ).delete()
            AttendanceMark.objects.create(date=day, **fields)
        elif write == "bulk":
            # Clear the days the bulk insert takes, but never a mark a correction keeps
            # (a later mark supersedes it, protected; the correction may have been moved
            # to the other placement): it is not current, so it takes no count anyway.
            AttendanceMark.objects.filter(
                placement=placement,
                date__gte=day + datetime.timedelta(days=100),
                superseded_by__isnull=True,
            ).delete()
            AttendanceMark.objects.bulk_create(
                AttendanceMark(date=day + datetime.timedelta(days=100 + i), **fields)
                for i in range(3)
            )
        elif mark is None:
            continue
        elif write == "supersede":  # a correction: the old mark kept, no longer current
            AttendanceMark.objects.filter(pk=mark.pk).update(is_current=False)
            same = {"placement": mark.placement, "pupil": mark.pupil, "session": mark.session}
            AttendanceMark.objects.create(**{**fields, **same}, date=mark.date, supersedes=mark)
        elif write == "code":
            mark.code = code
            mark.observed = observed
            mark.save()
        elif write == "move":
            other = placements[(placements.index(mark.placement) + 1) % 2]
            if not AttendanceMark.objects.filter(
                placement=other, date=mark.date, session=mark.session, is_current=True
            ).exists():
                AttendanceMark.objects.filter(pk=mark.pk).update(placement=other)
        elif write == "delete":  # a current mark: nothing supersedes it
            mark.delete()
        elif write == "retire":
            AttendanceMark.objects.filter(pk=mark.pk).update(is_current=False)
        assert _kept() == _counted(), (step, write)
