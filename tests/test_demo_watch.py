"""The demo shows the daily watch of placements: an emergency placement on the
provider's register, and a placement past its end date with its alert."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.models import User
from apcase.monitoring import selectors
from apcase.placements.models import Placement
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def _next_weekday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def test_the_demo_emergency_placement_is_on_the_providers_register_every_weekday():
    call_command("seed_demo")
    emergency = Placement.objects.get(is_emergency=True, pupil__legal_first_name="Tyler")
    day = _next_weekday(timezone.localdate())
    for half in ("am", "pm"):
        assert emergency in selectors.expected_placements([emergency.provider_id], day, half)
    manager = User.objects.get(email="manager@bridge-academy.example")
    response = sign_in(Client(), manager).get(reverse("monitoring:register"))
    assert response.status_code == 200
    if timezone.localdate().weekday() < 5:
        assert emergency.pupil.display_name in response.content.decode()


def test_the_demo_placement_past_its_end_date_alerts_the_named_staff_member_and_lead():
    call_command("seed_demo")
    late = Placement.objects.get(pupil__legal_first_name="Reuben")
    assert late.planned_end_date < timezone.localdate()
    for email in ("staff@heronsgate.example", "inclusion.lead@heronsgate.example"):
        response = sign_in(Client(), User.objects.get(email=email)).get(reverse("home"))
        assert_page(response, contains="Placement past its end date")
