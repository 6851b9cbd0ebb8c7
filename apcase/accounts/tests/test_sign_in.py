"""Signing in: a password, then a code from an authenticator app; locking out
guessing per username and address."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import confirmed_totp
from apcase.accounts.tests.helpers import code_for, submit_code, submit_password, wrong_code_for
from apcase.chronology.models import AuditEvent
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(user_with_role):
    user = user_with_role(Role.SCHOOL_STAFF, email="tom.ellery@example.org")
    confirmed_totp(user)
    return user


def test_password_alone_reaches_the_code_page_not_home(staff):
    client = Client()
    response = submit_password(client, staff.email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    home = client.get(reverse("home"))
    assert_page(home, status=302, redirects_to=reverse("accounts:two_factor"))
    page = client.get(reverse("accounts:two_factor"))
    assert b"Enter your security code" in page.content


def test_password_and_the_right_code_reach_home(staff):
    client = Client()
    submit_password(client, staff.email)
    response = submit_code(client, code_for(staff.totpdevice_set.get()))
    assert_page(response, status=302, redirects_to=reverse("home"))
    home = client.get(reverse("home"))
    assert_page(home, contains=staff.full_name)


def test_wrong_password_shows_an_error_and_signs_nobody_in(staff):
    client = Client()
    response = submit_password(client, staff.email, "not-the-password")
    assert_page(response, contains=["Enter a correct email address and password", "<title>Error: "])
    assert client.get(reverse("home")).status_code == 302


def test_first_sign_in_shows_a_qr_code_and_confirms_the_device(user_with_role):
    user = user_with_role(Role.INCLUSION_LEAD)
    client = Client()
    submit_password(client, user.email)
    page = client.get(reverse("accounts:two_factor"))
    assert b"Set up two-factor authentication" in page.content
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False

    response = submit_code(client, code_for(device))

    assert response["Location"] == reverse("home")
    device.refresh_from_db()
    assert device.confirmed is True
    assert (
        AuditEvent.objects.filter(action="two_factor_enrolled", target_id=str(user.pk)).count() == 1
    )
    assert client.get(reverse("home")).status_code == 200


def test_after_both_steps_the_person_lands_where_they_were_going(staff):
    client = Client()
    client.post(
        reverse("accounts:login") + "?next=/organisations/",
        {"username": staff.email, "password": "correct-horse-battery-staple-42"},
    )
    response = client.post(
        reverse("accounts:two_factor") + "?next=/organisations/",
        {"token": code_for(staff.totpdevice_set.get())},
    )
    assert response["Location"] == "/organisations/"


def test_a_next_address_on_another_site_is_ignored(staff):
    client = Client()
    submit_password(client, staff.email)
    response = client.post(
        reverse("accounts:two_factor") + "?next=https://evil.example/",
        {"token": code_for(staff.totpdevice_set.get())},
    )
    assert response["Location"] == reverse("home")


def test_a_wrong_code_is_refused_with_a_message(staff):
    client = Client()
    submit_password(client, staff.email)
    response = submit_code(client, wrong_code_for(staff.totpdevice_set.get()))
    assert_page(response, contains=["The code is not correct", "<title>Error: "])
    assert client.get(reverse("home"))["Location"] == reverse("accounts:two_factor")


def test_a_code_that_is_not_numbers_is_refused(staff):
    client = Client()
    submit_password(client, staff.email)
    response = submit_code(client, "abcdef")
    assert b"Enter the code using numbers only" in response.content


def test_too_many_wrong_codes_sign_the_session_out(staff, settings):
    device = staff.totpdevice_set.get()
    client = Client()
    submit_password(client, staff.email)
    for _ in range(settings.APCASE_OTP_MAX_ATTEMPTS - 1):
        assert submit_code(client, wrong_code_for(device)).status_code == 200
    response = submit_code(client, wrong_code_for(device))
    assert_page(response, status=302, redirects_to=reverse("accounts:login"))
    # Signed out entirely: the code page now asks for the password again.
    again = client.get(reverse("accounts:two_factor"))
    assert again["Location"].startswith(reverse("accounts:login"))
    page = client.get(reverse("accounts:login"))
    assert b"Too many wrong codes" in page.content


def test_after_a_wrong_code_the_device_is_throttled_even_for_the_right_code(staff):
    device = staff.totpdevice_set.get()
    client = Client()
    submit_password(client, staff.email)
    submit_code(client, wrong_code_for(device))

    # django-otp makes the device wait after a failure (1 s, doubling each time);
    # the right code sent at once is refused.
    response = submit_code(client, code_for(device))

    assert_page(response, contains="The code is not correct")
    assert client.get(reverse("home"))["Location"] == reverse("accounts:two_factor")

    # Once the wait has passed, the right code works.
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(seconds=5)
    device.save()
    assert submit_code(client, code_for(device))["Location"] == reverse("home")


def test_a_code_cannot_be_used_twice(staff):
    device = staff.totpdevice_set.get()
    code = code_for(device)
    first = Client()
    submit_password(first, staff.email)
    assert submit_code(first, code)["Location"] == reverse("home")
    second = Client()
    submit_password(second, staff.email, ip="10.0.0.9")
    assert submit_code(second, code).status_code == 200


# --- lockout -----------------------------------------------------------------------


@pytest.fixture
def two_people(user_with_role):
    a = user_with_role(Role.SCHOOL_STAFF, email="person.a@example.org")
    b = user_with_role(Role.SCHOOL_STAFF, email="person.b@example.org")
    return a, b


def _fail_five_times(email: str, ip: str) -> None:
    for _ in range(5):
        submit_password(Client(), email, "wrong-password-guess", ip=ip)


def test_five_wrong_passwords_lock_that_person_out_from_that_address(two_people):
    a, _ = two_people
    _fail_five_times(a.email, "10.0.0.1")

    response = submit_password(Client(), a.email, ip="10.0.0.1")

    assert_page(response, status=429, contains="Sign-in paused for this account")
    assert "_auth_user_id" not in Client().session


def test_a_colleague_at_the_same_address_can_still_sign_in(two_people):
    a, b = two_people
    _fail_five_times(a.email, "10.0.0.1")
    response = submit_password(Client(), b.email, ip="10.0.0.1")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_the_same_person_from_another_address_can_still_sign_in(two_people):
    a, _ = two_people
    _fail_five_times(a.email, "10.0.0.1")
    response = submit_password(Client(), a.email, ip="10.0.0.2")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(two_people):
    a, _ = two_people
    _fail_five_times(a.email, "10.0.0.1")
    response = Client().post(
        reverse("accounts:login"),
        {"username": a.email, "password": "correct-horse-battery-staple-42"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert response.status_code == 429


def test_four_wrong_passwords_do_not_lock_anyone_out(two_people):
    a, _ = two_people
    for _ in range(4):
        submit_password(Client(), a.email, "wrong-password-guess")
    assert submit_password(Client(), a.email).status_code == 302


def test_a_deactivated_person_cannot_sign_in(user_with_role):
    user = user_with_role(Role.SCHOOL_STAFF)
    user.memberships.update(is_active=False)
    user.is_active = False
    user.save()
    response = submit_password(Client(), user.email)
    assert_page(response, contains="Enter a correct email address and password")
