"""Lockout behind a reverse proxy (issue 9): the lockout is keyed on the username and
the real client address, read by the project's own client-IP function
(apcase.core.middleware.client_ip) with APCASE_PROXY_COUNT trusted proxies, so one
person's (or an attacker's) wrong passwords do not lock out everyone behind the proxy."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import PASSWORD
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.254"
CLIENT_A = "198.51.100.7"
CLIENT_B = "203.0.113.66"


def _sign_in_via_proxy(email: str, password: str, client_address: str, forged: str = ""):  # type: ignore[no-untyped-def]
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return Client().post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.fixture
def person(user_with_role):
    return user_with_role(Role.SCHOOL_STAFF, email="person.a@example.org")


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_failures_from_one_client_behind_the_proxy_lock_out_only_that_client(person):
    for _ in range(5):
        _sign_in_via_proxy(person.email, "wrong-guess", CLIENT_B)

    # B, even with the right password, is paused ...
    locked = _sign_in_via_proxy(person.email, PASSWORD, CLIENT_B)
    assert_page(locked, status=429, contains="Sign-in paused for this account")
    assert b"Wait 15 minutes and try again" in locked.content  # AXES_COOLOFF_TIME
    # ... and A, behind the same proxy, signs in.
    ok = _sign_in_via_proxy(person.email, PASSWORD, CLIENT_A)
    assert ok.status_code == 302
    assert ok["Location"].startswith(reverse("accounts:two_factor"))


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_five_failures_from_a_client_behind_the_proxy_lock_that_client_out(person):
    for _ in range(5):
        _sign_in_via_proxy(person.email, "wrong-guess", CLIENT_A)
    assert _sign_in_via_proxy(person.email, PASSWORD, CLIENT_A).status_code == 429


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_a_forged_forwarded_address_does_not_escape_the_lockout_behind_the_proxy(person):
    for n in range(5):
        _sign_in_via_proxy(person.email, "wrong-guess", CLIENT_B, forged=f"192.0.2.{n}")
    # The proxy appends the real address; only that one is trusted.
    assert (
        _sign_in_via_proxy(person.email, PASSWORD, CLIENT_B, forged="192.0.2.99").status_code == 429
    )
