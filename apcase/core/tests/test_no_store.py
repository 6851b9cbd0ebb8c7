"""Issue 9 (Low): signed-in pages were cacheable. Every page a signed-in user gets,
and the two-factor page that shows the TOTP secret, must tell browsers and proxies
not to store it."""

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import UserFactory
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import draft_referral, make_pupil
from conftest import sign_in

pytestmark = pytest.mark.django_db


def assert_not_stored(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_pupil_chronology_referral_and_monitoring_pages_are_not_stored(world, client_for):
    client = client_for(Role.INCLUSION_LEAD)
    pupil = make_pupil(world.school)
    referral = draft_referral(pupil, created_by=client.user)
    placement = make_placement(world.school, world.provider, pupil=make_pupil(world.school))
    pages = [
        reverse("home"),
        reverse("pupils:list"),
        reverse("pupils:detail", args=[pupil.pk]),
        reverse("pupils:chronology", args=[pupil.pk]),
        reverse("pupils:edit", args=[pupil.pk]),
        reverse("referrals:detail", args=[referral.pk]),
        reverse("placements:detail", args=[placement.pk]),
        reverse("monitoring:placement", args=[placement.pk]),
        reverse("pupils:export"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_stored(response)


def test_a_signed_in_users_404_and_403_are_not_stored_either(world, client_for):
    client = client_for(Role.SCHOOL_STAFF)
    other_pupil = make_pupil(world.other_school)
    response = client.get(reverse("pupils:detail", args=[other_pupil.pk]))
    assert response.status_code == 404
    assert_not_stored(response)


def test_the_two_factor_page_showing_the_totp_secret_is_not_stored(world):
    user = UserFactory()  # no device yet: the page shows the secret to set one up
    client = Client()
    client.force_login(user)
    response = client.get(reverse("accounts:two_factor"))
    assert response.status_code == 200
    assert "secret" in response.context
    assert_not_stored(response)


def test_the_sign_in_page_is_not_stored():
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_own_caching(world):
    client = sign_in(Client(), UserFactory())
    response = client.get("/static/govuk/govuk-frontend.min.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
