"""The append-only audit trail (every write) and access log (reads of sensitive
records). Rows are inserted once and never changed: the models refuse save-after-insert
and delete, the querysets refuse update and delete, the admin is read-only, and a
database trigger (migration 0002) refuses UPDATE and DELETE underneath all of that.

These models depend on no other app: the actor, organisation and pupil are plain ids
plus a readable snapshot, so history survives whatever happens to the rows it names."""

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be changed.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit records cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be deleted.")


class AuditEvent(AppendOnlyModel):
    """One change, written in the same transaction as the change itself."""

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=300, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organisation_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64, blank=True)
    # Found by audit_events_by_pupil_time (pupil first): an index on pupil_id alone was
    # what PostgreSQL chose instead, and then sorted every event of the pupil.
    pupil_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # A pupil's chronology: their events, newest first.
            models.Index(fields=["pupil_id", "-occurred_at"], name="audit_events_by_pupil_time"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"
        )


class AccessLogEntry(AppendOnlyModel):
    """One read of a sensitive record (safeguarding, health, SEND, exports, panel packs),
    or one refused attempt to read a record (outcome "denied": the record's page answered
    404, because it does not exist or the user may not see it)."""

    class Outcome(models.TextChoices):
        READ = "read", "Read"
        DENIED = "denied", "Denied"

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=300, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    organisation_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64, blank=True)
    pupil_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.READ)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        verb = "was refused" if self.outcome == self.Outcome.DENIED else "read"
        return f"{when} {self.actor_label} {verb} {self.target_type}:{self.target_id}"
