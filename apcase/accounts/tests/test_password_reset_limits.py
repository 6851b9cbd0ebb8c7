"""Password reset (issue 9): the answer, and the work done inside the request, are the
same for an address with an account and one without (nothing is sent inside the
request; the outbox sender delivers afterwards), and requests are limited per address
and per client address."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from apcase.accounts.models import PasswordResetRequest
from apcase.accounts.roles import Role
from apcase.notifications.models import OutboxMessage
from apcase.notifications.services import deliver_pending
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

KNOWN = "priya.raman@example.org"
UNKNOWN = "nobody-here@example.org"


@pytest.fixture
def person(user_with_role):
    return user_with_role(Role.SCHOOL_STAFF, email=KNOWN)


def _ask(email: str, ip: str = "198.51.100.7"):  # type: ignore[no-untyped-def]
    return Client().post(
        reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip, follow=True
    )


def _without_per_request_values(content: bytes) -> bytes:
    """The page less its CSRF token and script nonce, which differ on every request."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'nonce="[^"]+"', b"", content)


def test_known_and_unknown_addresses_get_identical_answers_and_no_mail_is_sent_inside(
    person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        known = _ask(KNOWN)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = _ask(UNKNOWN)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _without_per_request_values(known.content) == _without_per_request_values(
        unknown.content
    )
    # Nothing is sent while the request runs, for either address ...
    assert mailoutbox == []
    assert callbacks == []
    # ... and each request wrote the same kind of row.
    assert PasswordResetRequest.objects.count() == 2
    # The outbox sender delivers the one real email afterwards.
    assert deliver_pending() == 1
    assert [m.to for m in mailoutbox] == [[KNOWN]]


def test_the_sixth_request_in_an_hour_for_one_address_queues_nothing(person):
    for n in range(5):
        _ask(KNOWN, ip=f"198.51.100.{n + 1}")
    assert OutboxMessage.objects.filter(to=KNOWN).count() == 5
    sixth = _ask(KNOWN, ip="198.51.100.99")
    assert_page(sixth, contains="Check your email")
    assert OutboxMessage.objects.filter(to=KNOWN).count() == 5
    assert PasswordResetRequest.objects.filter(over_limit=True).count() == 1


@override_settings(APCASE_PASSWORD_RESETS_PER_IP_PER_HOUR=3)
def test_requests_from_one_client_address_are_limited_too(person):
    for n in range(3):
        _ask(f"someone{n}@example.org", ip="203.0.113.66")
    answer = _ask(KNOWN, ip="203.0.113.66")
    assert_page(answer, contains="Check your email")
    assert not OutboxMessage.objects.filter(to=KNOWN).exists()
    # Another client is not held up by it.
    _ask(KNOWN, ip="198.51.100.7")
    assert OutboxMessage.objects.filter(to=KNOWN).count() == 1
