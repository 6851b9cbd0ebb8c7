import pytest
from django.core.management import call_command

from apcase.monitoring.models import AttendanceMark, CheckIn, Visit
from apcase.placements.models import Placement

pytestmark = pytest.mark.django_db


def test_the_demo_has_weeks_of_attendance_and_check_ins_at_both_providers_once():
    call_command("seed_demo")
    counts = (
        AttendanceMark.objects.count(),
        CheckIn.objects.count(),
        Visit.objects.count(),
        Placement.objects.count(),
    )
    call_command("seed_demo")
    assert (
        AttendanceMark.objects.count(),
        CheckIn.objects.count(),
        Visit.objects.count(),
        Placement.objects.count(),
    ) == counts
    for provider in ("Milton Keynes Primary Referral Unit", "Bridge Academy"):
        placement = (
            Placement.objects.filter(provider__name=provider, status="active", marks__isnull=False)
            .distinct()
            .get()
        )
        assert placement.marks.count() >= 25
        assert placement.check_ins.count() == 6
