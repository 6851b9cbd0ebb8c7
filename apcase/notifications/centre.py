"""The notification centre: each person's own alerts, newest first, and how many are
unread (the header shows the count on every page).

A person reads and marks only their own alerts: every function here is scoped to the
user it is given, so there is no id another person could guess. An alert names a child
by first name and initial and links to the page it is about, which applies its own
access rule when opened: a person who has since lost the role sees the alert but not
the page. Marking alerts read is the person's own view of their list, not a change to
any record, so it writes no audit event."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from .models import EmailChoice, Notification

if TYPE_CHECKING:
    from apcase.accounts.models import User

# How many alerts the centre lists (newest first); older ones stay in the database.
SHOWN = 50


def notifications_for(user: "User") -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: "User") -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def latest_for(user: "User") -> list[Notification]:
    return list(notifications_for(user)[:SHOWN])


def mark_all_read(user: "User") -> int:
    """Mark every unread alert of `user` read; returns how many were."""
    return notifications_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def daily_digest_chosen(user: "User") -> bool:
    """Whether `user` gets emails that are not urgent in a daily digest."""
    return EmailChoice.objects.filter(user=user, daily_digest=True).exists()
