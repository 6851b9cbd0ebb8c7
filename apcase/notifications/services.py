"""Queueing and delivering email through the outbox.

A mail outage delays a message but never loses it: a message that cannot be sent stays
pending and is tried again, in the order the messages were written, after a wait that
doubles with each attempt (`APCASE_OUTBOX_RETRY_FIRST_SECONDS`, a minute, up to
`APCASE_OUTBOX_RETRY_MAX_SECONDS`, an hour), so a long outage is not hammered every
minute and a short one costs a minute or two. After `APCASE_OUTBOX_MAX_ATTEMPTS` (80:
about three days of outage) it is marked failed and the failure is logged as an error
for the operators. A run stops at the first failure, so a server that is down is not
tried once per message, and a message never overtakes an older one to the same person
(one waiting behind such a message is passed over, so one person's mail waiting, an
address the server keeps refusing, never holds up anyone else's).

Once a message is sent (or given up on), the links in its body are replaced by a note:
invitation and password-reset links are credentials, and the outbox is kept for audit
(recipient, subject, status, times, attempts), not as a second copy of anyone's mail.
"""

import datetime
import logging
import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return int(getattr(settings, "APCASE_OUTBOX_MAX_ATTEMPTS", 80))


def retry_wait(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt: doubling from the first
    wait, never more than the longest."""
    first = int(getattr(settings, "APCASE_OUTBOX_RETRY_FIRST_SECONDS", 60))
    longest = int(getattr(settings, "APCASE_OUTBOX_RETRY_MAX_SECONDS", 3600))
    return datetime.timedelta(seconds=min(first * 2 ** min(attempts - 1, 20), longest))


LINK = re.compile(r"https?://\S+|/account/password-reset/\S+|/invitations?/\S+", re.IGNORECASE)
LINK_REMOVED = "[link removed after sending]"


def scrub_body(body: str) -> str:
    """The body with every link (and any bare reset or invitation path) replaced."""
    return LINK.sub(LINK_REMOVED, body)


def absolute_url(path: str) -> str:
    """A full link for an email: the service's public address (APCASE_BASE_URL) and the
    path, so the reader can open it from their mail program."""
    base = str(getattr(settings, "APCASE_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}{path}"


def queue_email(*, to: str, subject: str, body: str) -> OutboxMessage:
    """Write the message in the caller's transaction; try to send it once that commits."""
    message = OutboxMessage.objects.create(to=to, subject=subject[:200], body=body)
    transaction.on_commit(lambda: deliver(message.pk))
    return message


def deliver(message_id: int) -> bool:
    """Send one pending message, unless an older one to the same person is still
    waiting (then `send_outbox` sends both, in order). True when it was sent."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return False
        if (
            OutboxMessage.objects.filter(
                to=message.to,
                status=OutboxMessage.Status.PENDING,
                created_at__lt=message.created_at,
            )
            .exclude(pk=message.pk)
            .exists()
        ):
            return False
        message.attempts += 1
        try:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
        except Exception as error:  # any transport failure: keep it for a retry
            logger.warning("Email %s not sent: %s", message.pk, error)
            message.last_error = str(error)[:500]
            message.next_attempt_at = timezone.now() + retry_wait(message.attempts)
            if message.attempts >= max_attempts():
                message.status = OutboxMessage.Status.FAILED
                message.body = scrub_body(message.body)  # never to be sent: no live links
                logger.error(
                    "Email %s to %s given up after %s attempts: %s",
                    message.pk,
                    message.to,
                    message.attempts,
                    message.last_error,
                )
            message.save(
                update_fields=[
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "status",
                    "body",
                    "updated_at",
                ]
            )
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.body = scrub_body(message.body)
        message.save(update_fields=["attempts", "status", "sent_at", "body", "updated_at"])
        return True


def deliver_pending() -> int:
    """Send every pending message whose wait is over, oldest first; stop at the first
    one the mail server refuses (it is down: a later run tries again from there). A
    message behind an older one to the same person that is still waiting is left for
    later without stopping the run: one person's mail waiting never holds up everyone
    else's. Returns how many were sent."""
    sent = 0
    now = timezone.now()
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).order_by(
        "created_at", "pk"
    )
    held: set[str] = set()  # people with an older message still waiting
    for message_id, to, next_attempt_at in pending.values_list("pk", "to", "next_attempt_at"):
        if to in held:
            continue
        if next_attempt_at is not None and next_attempt_at > now:
            held.add(to)
            continue
        if not deliver(message_id):
            still_pending = OutboxMessage.objects.filter(
                pk=message_id, status=OutboxMessage.Status.PENDING
            ).exists()
            if still_pending:
                break
            continue  # sent meanwhile by another run
        sent += 1
    return sent
