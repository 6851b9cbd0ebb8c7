import os

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apcase.accounts.models import User
from apcase.safeguarding.models import Concern, ConcernStatus
from conftest import sign_in
from tests.helpers import assert_page


def test_the_demo_has_a_closed_and_an_open_concern_with_actions_at_the_pru(db, settings):
    settings.APCASE_ENV = "development"
    for _ in range(2):  # idempotent
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    concerns = Concern.objects.all()
    assert sorted(c.status for c in concerns) == [ConcernStatus.CLOSED, ConcernStatus.OPEN]
    assert {c.raised_at_provider.name for c in concerns} == {"Milton Keynes Primary Referral Unit"}
    assert all(c.actions.exists() for c in concerns)

    dsl = sign_in(Client(), User.objects.get(email="dsl@heronsgate.example"))
    page = dsl.get(reverse("safeguarding:list"))
    assert_page(page, contains="2 concerns")
    head = sign_in(Client(), User.objects.get(email="headteacher@heronsgate.example"))
    assert head.get(reverse("safeguarding:list")).status_code == 403
