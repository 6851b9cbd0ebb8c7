import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apcase.accounts import demo
from apcase.accounts.models import Membership, Organisation, User
from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label.startswith(
            ("accounts", "directory", "pupils", "panel", "referrals", "placements", "schooldays")
        )
        or model is TOTPDevice
    }


def test_seeding_twice_adds_nothing_the_second_time(capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert "MFYGGYLTMUWWIZLNN4WXI33UOAWWWZLZ" in capsys.readouterr().out


def test_the_demo_has_the_policys_school_panel_and_providers_and_a_user_for_every_role():
    call_command("seed_demo")
    school = Organisation.objects.get(name="Heronsgate School")
    assert school.local_authority.name == "Milton Keynes"
    assert school.local_authority.panels.filter(
        name="Milton Keynes Primary Inclusion Panel"
    ).exists()
    assert Organisation.objects.get(urn=134310).name == "Milton Keynes Primary Referral Unit"
    assert Organisation.objects.get(urn=140252).name == "Bridge Academy"
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)


def test_the_published_totp_secret_and_password_sign_a_demo_user_in():
    call_command("seed_demo")
    client = Client()
    response = client.post(
        "/account/sign-in/",
        {"username": "headteacher@heronsgate.example", "password": demo.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    code = f"{TOTP(bytes.fromhex(demo.DEMO_TOTP_KEY_HEX)).token():06d}"
    response = client.post("/account/two-factor/", {"token": code}, follow=True)
    assert_page(response, contains=["Daniel Whitcombe", "Heronsgate School"])


@override_settings(APCASE_ENV="production")
def test_demo_accounts_are_never_made_outside_development():
    with pytest.raises(CommandError, match="only loaded when APCASE_ENV=development"):
        call_command("seed_demo")
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()
