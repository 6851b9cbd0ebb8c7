from typing import TYPE_CHECKING, Any, Literal, overload

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from apcase.accounts.models import User


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


@overload
def user_fk(
    *, optional: Literal[False] = False, related_name: str = "+"
) -> "models.ForeignKey[User, User]": ...
@overload
def user_fk(
    *, optional: Literal[True], related_name: str = "+"
) -> "models.ForeignKey[User | None, User | None]": ...
def user_fk(*, optional: bool = False, related_name: str = "+") -> Any:
    """A link to a user (`recorded_by = user_fk()`): PROTECT, as the user is kept as long
    as the record is, with no reverse accessor unless `related_name` names one;
    `optional` while nobody is named yet (`closed_by = user_fk(optional=True)`)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=optional,
        blank=optional,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class UsedFormKey(models.Model):
    """A form's idempotency key, once a submission carrying it was applied
    (apcase.core.idempotency). The user is kept as a plain id: core depends on no other
    app, and a key is worth nothing after IDEMPOTENCY_KEY_TTL_HOURS."""

    user_id = models.BigIntegerField()
    action = models.CharField(max_length=60)
    key = models.CharField(max_length=64)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "action", "key"], name="one_use_per_form_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} key used by user {self.user_id}"


class PeriodicRun(models.Model):
    """One slot of a periodic task, claimed by the worker that put it on the queue
    (apcase.core.periodic): unique, so however many workers run, each slot is enqueued
    once."""

    name = models.CharField(max_length=200)
    slot = models.DateTimeField(db_index=True)
    enqueued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="one_run_per_periodic_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.slot:%Y-%m-%d %H:%M}"
