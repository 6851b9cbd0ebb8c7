"""Password reset: the same answer for any address, a link that works for an hour and
once, and the second factor still asked for afterwards."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import confirmed_totp
from apcase.accounts.tests.helpers import link_in_latest_email, path_of, submit_password
from apcase.notifications.models import OutboxMessage
from apcase.notifications.services import deliver_pending
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-long-passphrase-77"


@pytest.fixture
def person(user_with_role):
    user = user_with_role(Role.SCHOOL_DSL, email="priya.raman@example.org")
    confirmed_totp(user)
    return user


def _ask_for_reset(email: str):  # type: ignore[no-untyped-def]
    return Client().post(reverse("accounts:password_reset"), {"email": email}, follow=True)


def _later(minutes: int):  # type: ignore[no-untyped-def]
    real = datetime.now()
    return mock.patch.object(
        PasswordResetTokenGenerator, "_now", return_value=real + timedelta(minutes=minutes)
    )


def _open_link_and_choose(client: Client, link: str):  # type: ignore[no-untyped-def]
    page = client.get(path_of(link), follow=True)
    if b"Choose a new password" not in page.content:
        return page
    return client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )


def test_known_and_unknown_addresses_get_the_same_page(person):
    known = _ask_for_reset(person.email)
    unknown = _ask_for_reset("nobody-here@example.org")
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert b"Check your email" in known.content
    assert known.content.count(b"Check your email") == unknown.content.count(b"Check your email")
    assert OutboxMessage.objects.filter(to=person.email).count() == 1
    assert OutboxMessage.objects.filter(to="nobody-here@example.org").count() == 0


def test_the_reset_email_goes_through_the_outbox_and_is_sent(
    person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask_for_reset(person.email)
    message = OutboxMessage.objects.get(to=person.email)
    assert message.subject == "Reset your apcase password"
    assert "/account/password-reset/" in message.body
    # Queued only: the outbox sender delivers it after the response.
    assert message.status == OutboxMessage.Status.PENDING
    assert mailoutbox == []
    assert deliver_pending() == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert [m.to for m in mailoutbox] == [[person.email]]


def test_the_link_works_within_the_hour(person):
    _ask_for_reset(person.email)
    link = link_in_latest_email(person.email)
    with _later(minutes=59):
        done = _open_link_and_choose(Client(), link)
    assert b"Your password has been changed" in done.content
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_the_link_does_not_work_after_an_hour(person):
    _ask_for_reset(person.email)
    link = link_in_latest_email(person.email)
    with _later(minutes=61):
        page = _open_link_and_choose(Client(), link)
    assert b"This link has expired or has been used" in page.content
    person.refresh_from_db()
    assert not person.check_password(NEW_PASSWORD)


def test_the_link_works_only_once(person):
    _ask_for_reset(person.email)
    link = link_in_latest_email(person.email)
    _open_link_and_choose(Client(), link)
    again = Client().get(path_of(link), follow=True)
    assert b"This link has expired or has been used" in again.content


def test_after_a_reset_signing_in_still_asks_for_the_code(person):
    _ask_for_reset(person.email)
    client = Client()
    _open_link_and_choose(client, link_in_latest_email(person.email))
    # The reset did not sign anyone in.
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))

    response = submit_password(client, person.email, NEW_PASSWORD)

    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert client.get(reverse("home"))["Location"] == reverse("accounts:two_factor")


def test_a_weak_new_password_is_refused_with_an_error_summary(person):
    _ask_for_reset(person.email)
    client = Client()
    page = client.get(path_of(link_in_latest_email(person.email)), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )
    assert_page(response, contains=["<title>Error: ", "govuk-error-summary"])
