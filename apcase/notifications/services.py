"""Queueing and delivering email through the outbox.

Once a message is sent (or given up on), the links in its body are replaced by a note:
invitation and password-reset links are credentials, and the outbox is kept for audit
(recipient, subject, status, times, attempts), not as a second copy of anyone's mail.
"""

import logging
import re

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
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
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
        except Exception as error:  # any transport failure: keep it for a retry
            logger.warning("Email %s not sent: %s", message.pk, error)
            message.last_error = str(error)[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
                message.body = scrub_body(message.body)  # never to be sent: no live links
            message.save(update_fields=["attempts", "last_error", "status", "body", "updated_at"])
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.body = scrub_body(message.body)
        message.save(update_fields=["attempts", "status", "sent_at", "body", "updated_at"])
        return True


def deliver_pending() -> int:
    sent = 0
    for message_id in OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).values_list(
        "pk", flat=True
    ):
        sent += deliver(message_id)
    return sent
