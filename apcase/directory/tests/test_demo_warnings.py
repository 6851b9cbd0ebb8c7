"""The demo shows what the directory warns about: a provider one pupil short of the
registration threshold, an Inadequate provider, and lapsing assurance."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from apcase.accounts.models import Organisation, User
from apcase.directory.models import AssuranceAlert
from apcase.directory.threshold import threshold_for
from apcase.notifications.models import OutboxMessage
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_threshold_inadequate_and_expiry_warnings():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    tuition = Organisation.objects.get(name="Brightpath Tuition (demo)")
    count = threshold_for(tuition)
    assert (count.full_time_pupils, count.one_short) == (4, True)

    officer = sign_in(Client(), User.objects.get(email="la.officer@mk-council.example"))
    response = officer.get("/")
    page = assert_page(response)
    assert "Registration threshold: Brightpath Tuition (demo)" in page
    assert "One pupil short" in page

    page = officer.get("/providers/?assurance=not_assured").content.decode()
    assert "Harbour Lane Learning Centre (demo)" in page
    assert "latest Ofsted grade Inadequate (inspected 22 May 2024)" in page

    lead = User.objects.get(email="inclusion.lead@heronsgate.example")
    page = sign_in(Client(), lead).get("/").content.decode()
    assert "Assurance expiring: Bridge Academy" in page
    call_command("check_assurance", stdout=io.StringIO())
    assert OutboxMessage.objects.filter(
        to=lead.email, subject="Assurance expiring: Bridge Academy"
    ).exists()
    assert AssuranceAlert.objects.filter(record__organisation__name="Bridge Academy").exists()
