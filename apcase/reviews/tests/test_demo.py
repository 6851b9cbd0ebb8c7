import os

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apcase.accounts.models import User
from apcase.reviews.models import ProviderReport, Review, ReviewRequest
from conftest import sign_in
from tests.helpers import assert_page


def test_the_demo_has_a_held_review_with_figures_and_a_parents_request(db, settings):
    settings.APCASE_ENV = "development"
    for _ in range(2):  # idempotent
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    review = Review.objects.get()
    assert review.placement.pupil.legal_first_name == "Jayden"
    assert review.child_views
    assert review.parent_views
    assert review.progress.count() == review.placement.objectives.count() > 0
    assert review.sessions_possible > 0
    assert ProviderReport.objects.filter(placement=review.placement).count() == 1
    request = ReviewRequest.objects.get()
    assert request.placement.pupil.legal_first_name == "Maya"

    staff = sign_in(Client(), User.objects.get(email="staff@heronsgate.example"))
    assert_page(staff.get(reverse("home")), contains="Review due, parent asked")
    assert_page(
        staff.get(reverse("reviews:detail", args=[review.pk])),
        contains=["I like the small classes", "Grace Price (Mother)"],
    )
