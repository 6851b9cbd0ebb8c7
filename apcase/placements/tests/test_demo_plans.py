"""The demo shows every feature of a placement plan: a part-time timetable agreed by a
parent's signed form (an uploaded PDF), and a placement still planned after its start
date."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.models import User
from apcase.placements.models import Placement, PlacementAgreement
from apcase.placements.plan import is_plan_agreed
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_part_time_plan_agreed_on_a_signed_form_and_a_late_start():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    isla = Placement.objects.get(pupil__legal_first_name="Isla", pupil__legal_last_name="Brennan")
    assert isla.status == Placement.Status.ACTIVE
    assert isla.part_time_timetable
    assert is_plan_agreed(isla, list(isla.agreements.all()))
    form = isla.agreements.get(party=PlacementAgreement.Party.PARENT)
    assert (form.how, form.signed_form_extension) == ("signed_form", "pdf")
    rhys = Placement.objects.get(pupil__legal_first_name="Rhys", pupil__legal_last_name="Calder")
    assert rhys.status == Placement.Status.PLANNED
    assert rhys.start_date < timezone.localdate()
    assert Placement.objects.filter(pupil__legal_first_name__in=["Isla", "Rhys"]).count() == 2

    lead = sign_in(Client(), User.objects.get(email="inclusion.lead@heronsgate.example"))
    page = assert_page(lead.get(reverse("placements:detail", args=[isla.pk])))
    assert "download the signed form, signed-agreement.pdf" in page
    signed = lead.get(reverse("placements:signed_form", args=[isla.pk, form.pk]))
    assert signed.status_code == 200
    assert b"".join(signed.streaming_content if signed.streaming else [signed.content]).startswith(
        b"%PDF"
    )
    assert_page(lead.get("/"), contains="Placement not started: Rhys Calder")
    assert_page(lead.get(reverse("oversight:board")), contains="Isla Brennan")
