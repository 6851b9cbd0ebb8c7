import os

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apcase.accounts.models import User
from apcase.reintegration.models import PlanStatus, ReintegrationPlan
from conftest import sign_in
from tests.helpers import assert_page


def test_the_demo_has_a_reintegration_under_way_with_a_part_time_phase_agreed_by_a_parent(
    db, settings
):
    settings.APCASE_ENV = "development"
    for _ in range(2):  # idempotent
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    plan = ReintegrationPlan.objects.get(status=PlanStatus.ACTIVE)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.agreed_by is not None
    assert plan.agreed_by.lives_with_pupil
    assert plan.la_notified_on is not None
    lead = sign_in(Client(), User.objects.get(email="inclusion.lead@heronsgate.example"))
    assert_page(
        lead.get(reverse("reintegration:detail", args=[plan.pk])),
        contains=["Part-time timetable", "Sessions recorded as C2", "On track"],
    )
    assert_page(
        lead.get(reverse("pupils:detail", args=[plan.placement.pupil_id])),
        contains=["Reintegration plan from", "No school attendance imported"],
    )
    draft = ReintegrationPlan.objects.get(status=PlanStatus.DRAFT)
    assert_page(
        lead.get(reverse("reintegration:detail", args=[draft.pk])),
        contains=[
            "Before the plan can be agreed",
            "The agreement of a parent or carer the pupil lives with",
            "Add a phase",
        ],
    )
