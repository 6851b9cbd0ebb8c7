"""The outbox: email is written with the change, sent after commit, kept for a retry
when sending fails, and never sent for a change that rolled back."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction

from apcase.notifications.models import OutboxMessage
from apcase.notifications.services import MAX_ATTEMPTS, deliver, queue_email

pytestmark = pytest.mark.django_db


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


def test_a_failed_send_is_kept_and_retried_by_the_command(mailoutbox):
    message = queue_email(to="jade@example.org", subject="Hello", body="Body text")
    with mock.patch(
        "apcase.notifications.services.send_mail", side_effect=ConnectionError("mail down")
    ):
        assert deliver(message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.last_error == "mail down"

    call_command("send_outbox", stdout=mock.MagicMock())

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert len(mailoutbox) == 1


def test_a_message_that_keeps_failing_is_marked_failed(mailoutbox):
    message = queue_email(to="jade@example.org", subject="Hello", body="Body text")
    with mock.patch("apcase.notifications.services.send_mail", side_effect=OSError("refused")):
        for _ in range(MAX_ATTEMPTS):
            deliver(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert deliver(message.pk) is False
    assert mailoutbox == []


def test_a_sent_message_is_not_sent_again(mailoutbox):
    message = queue_email(to="jade@example.org", subject="Hello", body="Body text")
    assert deliver(message.pk) is True
    assert deliver(message.pk) is False
    assert len(mailoutbox) == 1
