"""The daily digest: one email a day to each person who chose it (`EmailChoice`),
listing the messages that were not urgent since the last one, each with its full link.
Every message is already in the person's notification centre when it is made; the
digest only gathers their emails. Each person's digest is one transaction: the email is
written to the outbox and their messages marked as sent in it together, so a digest is
never sent twice nor a message left out."""

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from .messages import render, service_name
from .models import Notification
from .services import queue_email

logger = logging.getLogger(__name__)


def send_digests() -> int:
    """Queue each waiting person's digest; returns how many were queued."""
    waiting = (
        Notification.objects.filter(awaiting_digest=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in sorted(set(waiting)):
        try:
            with transaction.atomic():
                sent += _send_one(recipient_id)
        except Exception:  # one person's failure must not hold up everyone's digest
            logger.exception("Digest for user %s not sent; tried again next time", recipient_id)
    return sent


def _holds_a_role_now(recipient_id: Any) -> bool:
    """access.policies.can_use_service, read here by the relations' names (the access
    rules sit above this app): an active account with an active membership of an
    organisation that is not closed."""
    return (
        get_user_model()
        .objects.filter(
            pk=recipient_id,
            is_active=True,
            # One membership both active and in an open organisation (one join).
            memberships__is_active=True,
            memberships__organisation__status="open",
        )
        .exists()
    )


def _send_one(recipient_id: Any) -> int:
    items = list(
        Notification.objects.select_for_update()
        .filter(recipient_id=recipient_id, awaiting_digest=True)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
    if not items:
        return 0
    if not _holds_a_role_now(recipient_id):
        # Whoever holds a role now is who is told: a person who has left since the
        # messages were made is sent no summary of them (they stay in the centre,
        # which they can no longer open).
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(
            awaiting_digest=False
        )
        logger.info("Digest for user %s not sent: no role in the service now", recipient_id)
        return 0
    message = render(
        "notifications/messages/digest.txt",
        link=reverse("notifications"),
        items=items,
        count=len(items),
    )
    queue_email(
        to=items[0].recipient.email,
        subject=message.subject,
        body=f"{message.body}\n\n{service_name()}",
    )
    Notification.objects.filter(pk__in=[item.pk for item in items]).update(awaiting_digest=False)
    return 1
