"""Sessions: a fresh key at sign-in, gone from the server at sign-out, ended after 30
idle minutes and 12 hours after sign-in however busy."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.accounts.signals import SESSION_STARTED_KEY
from apcase.accounts.tests.factories import confirmed_totp
from apcase.accounts.tests.helpers import code_for, submit_code, submit_password
from conftest import sign_in

pytestmark = pytest.mark.django_db


def _session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _signed_in(user_with_role) -> Client:  # type: ignore[no-untyped-def]
    client = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))
    assert client.get(reverse("home")).status_code == 200
    return client


def _sends_to_sign_in(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_signing_in_gives_a_new_session_key(user_with_role):
    user = user_with_role(Role.SCHOOL_STAFF)
    device = confirmed_totp(user)
    client = Client()
    session = client.session
    session["seen_before_sign_in"] = True
    session.save()
    before = _session_key(client)

    submit_password(client, user.email)
    after_password = _session_key(client)
    submit_code(client, code_for(device))

    assert after_password != before
    assert _session_key(client) != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get(reverse("home")).status_code == 200


def test_signing_out_deletes_the_session_on_the_server(user_with_role):
    client = _signed_in(user_with_role)
    key = _session_key(client)
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(reverse("accounts:logout"))

    assert response["Location"] == reverse("accounts:login")
    assert not Session.objects.filter(session_key=key).exists()
    assert _sends_to_sign_in(client.get(reverse("home")))


def test_sign_out_cannot_be_triggered_by_a_link(user_with_role):
    client = _signed_in(user_with_role)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_thirty_idle_minutes_end_the_session(user_with_role):
    client = _signed_in(user_with_role)
    key = _session_key(client)
    # The last request was 30 minutes ago: the stored expiry has just passed.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert _sends_to_sign_in(client.get(reverse("home")))


def _minutes_pass(monkeypatch, minutes: float) -> None:  # type: ignore[no-untyped-def]
    """Move the clock `minutes` on (the sessions' stored expiry is read against it)."""
    earlier = timezone.now
    monkeypatch.setattr("django.utils.timezone.now", lambda: earlier() + timedelta(minutes=minutes))


def test_each_request_restarts_the_idle_clock(user_with_role, monkeypatch):
    client = _signed_in(user_with_role)
    key = _session_key(client)
    _minutes_pass(monkeypatch, 29)  # 29 idle minutes: one minute left
    assert client.get(reverse("home")).status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(minutes=29)


def test_a_busy_session_outlives_the_idle_timeout(user_with_role, monkeypatch):
    client = _signed_in(user_with_role)
    for _ in range(8):  # a request every 10 minutes for 80 minutes
        _minutes_pass(monkeypatch, 10)
        assert client.get(reverse("home")).status_code == 200


def test_an_idle_session_ends_thirty_minutes_after_its_last_request_at_the_latest(
    user_with_role, monkeypatch
):
    client = _signed_in(user_with_role)
    _minutes_pass(monkeypatch, 5)
    assert client.get(reverse("home")).status_code == 200  # restarts the idle clock
    # Requests within the minute after do not write the session again...
    _minutes_pass(monkeypatch, 59 / 60)
    assert client.get(reverse("home")).status_code == 200
    # ...so 30 idle minutes after this last one the session has ended, not later.
    _minutes_pass(monkeypatch, 30)
    assert _sends_to_sign_in(client.get(reverse("home")))


def test_an_idle_session_does_not_end_before_twenty_nine_minutes(user_with_role, monkeypatch):
    client = _signed_in(user_with_role)
    _minutes_pass(monkeypatch, 5)
    assert client.get(reverse("home")).status_code == 200
    _minutes_pass(monkeypatch, 59 / 60)
    assert client.get(reverse("home")).status_code == 200
    _minutes_pass(monkeypatch, 28.9)
    assert client.get(reverse("home")).status_code == 200


def _session_writes(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accessibility")).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]


def test_a_request_within_a_minute_of_the_last_renewal_does_not_write_the_session(
    user_with_role, monkeypatch
):
    client = _signed_in(user_with_role)
    _minutes_pass(monkeypatch, 2)
    assert _session_writes(client)  # renewed: more than a minute since sign-in
    _minutes_pass(monkeypatch, 0.5)
    assert _session_writes(client) == []
    _minutes_pass(monkeypatch, 0.6)
    assert _session_writes(client)


def test_a_stale_session_cookie_makes_no_new_session(user_with_role):
    client = _signed_in(user_with_role)
    key = _session_key(client)
    Session.objects.filter(session_key=key).delete()
    before = Session.objects.count()
    assert _sends_to_sign_in(client.get(reverse("home")))
    assert client.get(reverse("accessibility")).status_code == 200
    assert Session.objects.count() == before


def _signed_in_hours_ago(client: Client, hours: float) -> None:
    session = client.session
    session[SESSION_STARTED_KEY] = (timezone.now() - timedelta(hours=hours)).timestamp()
    session.save()


def test_twelve_hours_after_sign_in_the_session_ends_even_if_busy(user_with_role):
    client = _signed_in(user_with_role)
    key = _session_key(client)
    _signed_in_hours_ago(client, 12.01)

    assert _sends_to_sign_in(client.get(reverse("home")))
    assert not Session.objects.filter(session_key=key).exists()
    page = client.get(reverse("accounts:login"))
    assert b"Your session has ended" in page.content


def test_just_under_twelve_hours_the_session_continues(user_with_role):
    client = _signed_in(user_with_role)
    _signed_in_hours_ago(client, 11.9)
    assert client.get(reverse("home")).status_code == 200
