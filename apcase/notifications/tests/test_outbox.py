"""The outbox: email is written with the change, sent after commit, kept for a retry
when sending fails (after a wait that doubles, up to an hour; given up, and logged,
after APCASE_OUTBOX_MAX_ATTEMPTS), and never sent for a change that rolled back."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from apcase.notifications.models import OutboxMessage
from apcase.notifications.services import (
    LINK,
    LINK_REMOVED,
    deliver,
    max_attempts,
    queue_email,
    retry_wait,
)

pytestmark = pytest.mark.django_db


class Clock:
    """The service's clock, moved on by the test."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: moved.now)
    return moved


def test_an_email_is_sent_once_the_change_commits(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="jade@example.org", subject="Hello", body="Body text")
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT
    assert [(m.to, m.subject) for m in mailoutbox] == [(["jade@example.org"], "Hello")]


def test_a_rolled_back_change_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    class Abandon(Exception):
        pass

    def change_that_fails() -> None:
        with transaction.atomic():
            queue_email(to="jade@example.org", subject="Hello", body="Body text")
            raise Abandon

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandon):
        change_that_fails()
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_a_failed_send_is_kept_and_retried_by_the_command_after_a_wait(mailoutbox, clock):
    message = queue_email(to="jade@example.org", subject="Hello", body="Body text")
    with mock.patch(
        "apcase.notifications.services.send_mail", side_effect=ConnectionError("mail down")
    ):
        assert deliver(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.last_error == "mail down"
    assert message.next_attempt_at == clock.now + datetime.timedelta(seconds=60)

    call_command("send_outbox", stdout=mock.MagicMock())  # the minute is not over
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, 1)

    clock.advance(seconds=61)
    call_command("send_outbox", stdout=mock.MagicMock())

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert len(mailoutbox) == 1


def test_the_wait_between_attempts_doubles_up_to_an_hour() -> None:
    waits = [retry_wait(attempt).total_seconds() for attempt in (1, 2, 3, 6, 7, 30)]
    assert waits == [60, 120, 240, 1920, 3600, 3600]


def test_a_message_that_keeps_failing_is_given_up_after_the_last_attempt_and_logged(
    mailoutbox, clock, caplog
):
    message = queue_email(to="jade@example.org", subject="Hello", body="Body text")
    with mock.patch("apcase.notifications.services.send_mail", side_effect=OSError("refused")):
        for _ in range(max_attempts() - 1):  # days of outage: still waiting, not lost
            deliver(message.pk)
            clock.advance(hours=1)
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.PENDING
        assert clock.now - message.created_at > datetime.timedelta(days=3)
        deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == max_attempts()
    assert f"given up after {max_attempts()} attempts" in caplog.text
    assert deliver(message.pk) is False
    assert mailoutbox == []


def test_a_sent_message_is_not_sent_again(mailoutbox):
    message = queue_email(to="jade@example.org", subject="Hello", body="Body text")
    assert deliver(message.pk) is True
    assert deliver(message.pk) is False
    assert len(mailoutbox) == 1


# --- after sending, no live links are kept (issue 9, data hygiene) --------------------

RESET_BODY = (
    "Someone asked to reset the password for jade@example.org.\n\n"
    "https://apcase.example/account/password-reset/MQ/c4x5yz-7a8b9c0d1e2f3a4b5c6d/\n\n"
    "The link works for one hour."
)


def test_a_sent_message_keeps_its_subject_and_recipient_but_not_its_links(mailoutbox):
    message = queue_email(to="jade@example.org", subject="Reset your password", body=RESET_BODY)
    assert deliver(message.pk) is True
    # The person got the working link...
    assert "c4x5yz-7a8b9c0d1e2f3a4b5c6d" in mailoutbox[0].body
    # ...and the outbox keeps what the audit needs, without it.
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert (message.to, message.subject) == ("jade@example.org", "Reset your password")
    assert message.sent_at is not None
    assert "c4x5yz" not in message.body
    assert "password-reset" not in message.body
    assert LINK_REMOVED in message.body
    assert "The link works for one hour." in message.body


def test_an_invitation_link_is_removed_after_sending(mailoutbox):
    body = "You have been invited.\nhttp://127.0.0.1:8000/account/invitations/Zm9vYmFy-token/\n"
    message = queue_email(to="new@example.org", subject="You have been invited", body=body)
    deliver(message.pk)
    message.refresh_from_db()
    assert "Zm9vYmFy" not in message.body
    assert "Zm9vYmFy" in mailoutbox[0].body


def test_a_pending_message_keeps_its_links_until_it_is_sent(mailoutbox, clock):
    message = queue_email(to="jade@example.org", subject="Reset", body=RESET_BODY)
    with mock.patch("apcase.notifications.services.send_mail", side_effect=OSError("down")):
        deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.body == RESET_BODY  # still needed for the retry

    clock.advance(minutes=2)
    call_command("send_outbox", stdout=mock.MagicMock())
    assert "c4x5yz" in mailoutbox[0].body
    message.refresh_from_db()
    assert "c4x5yz" not in message.body


def test_a_message_given_up_on_keeps_no_links_either(mailoutbox):
    message = queue_email(to="jade@example.org", subject="Reset", body=RESET_BODY)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=max_attempts() - 1)
    with mock.patch("apcase.notifications.services.send_mail", side_effect=OSError("down")):
        deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert "c4x5yz" not in message.body


def test_the_migration_scrubs_messages_sent_before_it():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("apcase.notifications.migrations.0002_scrub_sent_bodies")
    sent = OutboxMessage.objects.create(
        to="a@example.org", subject="Reset", body=RESET_BODY, status=OutboxMessage.Status.SENT
    )
    pending = OutboxMessage.objects.create(to="b@example.org", subject="Reset", body=RESET_BODY)
    migration.scrub(apps, None)
    sent.refresh_from_db()
    pending.refresh_from_db()
    assert "c4x5yz" not in sent.body
    assert pending.body == RESET_BODY
    assert migration.LINK.pattern == LINK.pattern  # the same rule as the service


def test_an_hour_long_mail_outage_delays_every_alert_and_loses_none(
    mailoutbox, django_capture_on_commit_callbacks, clock
):
    """The drill: the mail server is down for an hour while alerts are raised; send_outbox
    runs every minute but tries the server less and less often; within the hour after
    it is back every alert is delivered, in the order raised, once."""
    subjects = [f"Follow up today: absence {n}" for n in range(6)]
    with mock.patch("apcase.notifications.services.send_mail", side_effect=OSError("down")):
        for minute in range(60):
            if minute % 10 == 0:
                with django_capture_on_commit_callbacks(execute=True):
                    queue_email(
                        to="lead@school.example", subject=subjects[minute // 10], body="Body"
                    )
            call_command("send_outbox", stdout=mock.MagicMock())
            clock.advance(minutes=1)
    assert mailoutbox == []
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 6
    first = OutboxMessage.objects.order_by("created_at").first()
    assert first is not None
    assert first.attempts == 6
    clock.advance(hours=1)  # the server is back; the longest wait is over
    call_command("send_outbox", stdout=mock.MagicMock())
    call_command("send_outbox", stdout=mock.MagicMock())  # and a second run sends nothing
    assert [m.subject for m in mailoutbox] == subjects
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 6


def test_a_new_message_does_not_overtake_an_older_one_waiting_for_the_same_person(
    mailoutbox, django_capture_on_commit_callbacks, clock
):
    with (
        mock.patch("apcase.notifications.services.send_mail", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queue_email(to="lead@school.example", subject="First", body="Body")
    clock.advance(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="lead@school.example", subject="Second", body="Body")
    assert mailoutbox == []  # the second waits for the first
    call_command("send_outbox", stdout=mock.MagicMock())
    assert mailoutbox == []  # and the first waits its minute
    clock.advance(seconds=61)
    call_command("send_outbox", stdout=mock.MagicMock())
    assert [m.subject for m in mailoutbox] == ["First", "Second"]


def test_a_person_whose_mail_waits_does_not_hold_up_everyone_elses(
    mailoutbox, django_capture_on_commit_callbacks, clock
):
    """An address the mail server keeps refusing (a mistyped one) waits between its
    attempts, and so does a newer message to that person behind it; a message to anyone
    else that could not go during a short outage is sent once the server is back, not
    held for days behind them."""

    def refuse(to: str):  # type: ignore[no-untyped-def]
        def send(subject, body, sender, recipients):  # type: ignore[no-untyped-def]
            if to in ("*", *recipients):
                raise OSError("refused")
            return mock.DEFAULT

        return mock.patch("apcase.notifications.services.send_mail", side_effect=send)

    with refuse("tyop@school.example"), django_capture_on_commit_callbacks(execute=True):
        queue_email(to="tyop@school.example", subject="First", body="Body")
    OutboxMessage.objects.filter(subject="First").update(
        attempts=8, next_attempt_at=clock.now + datetime.timedelta(hours=1)
    )
    clock.advance(seconds=1)
    with refuse("tyop@school.example"), django_capture_on_commit_callbacks(execute=True):
        queue_email(to="tyop@school.example", subject="Second", body="Body")
    clock.advance(seconds=1)
    with refuse("*"), django_capture_on_commit_callbacks(execute=True):  # a short outage
        queue_email(to="lead@school.example", subject="Absent: no reason given", body="Body")
    assert mailoutbox == []

    clock.advance(seconds=61)  # the server is back
    call_command("send_outbox", stdout=mock.MagicMock())
    assert [m.subject for m in mailoutbox] == ["Absent: no reason given"]
    assert OutboxMessage.objects.get(subject="Second").status == OutboxMessage.Status.PENDING
