from django.conf import settings
from django.db import models
from django.utils import timezone

from apcase.core.models import TimeStampedModel


class OutboxMessage(TimeStampedModel):
    """An email waiting to be sent. Written in the same transaction as the event that
    caused it, delivered after commit and retried by `send_outbox`, so neither a
    rolled-back change nor a mail outage loses or invents a message. Once sent (or
    failed for good) the body's links are removed: see `services.scrub_body`."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a failed attempt, not tried again before this (services.retry_wait).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.status})"


class Notification(models.Model):
    """An alert in the service itself: the same message as the email, shown in the
    person's notification centre (the header counts the unread ones). Written with the
    email in the event's transaction by `messages.send`, so an alert the mail server
    delays is already waiting for them when they sign in."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # A path inside the service (the page the alert is about); the email carries it as
    # a full link.
    link = models.CharField(max_length=300, blank=True)
    urgent = models.BooleanField(default=False)
    # Its email waits for the person's daily digest (they chose one; never for an urgent
    # message): the digest task sends it and clears this.
    awaiting_digest = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_id}"


class Reminder(models.Model):
    """A reminder that was sent (apcase.notifications.reminders): its key names its
    kind, subject and due date, and is unique, so each reminder goes once."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class EmailChoice(models.Model):
    """How a person wants the email that is not urgent: at once (no row: the default)
    or gathered in one email a day. Urgent messages (safeguarding concerns, a child
    absent with no reason, a missed register) are always emailed at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_choice"
    )
    daily_digest = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {'daily digest' if self.daily_digest else 'immediately'}"
