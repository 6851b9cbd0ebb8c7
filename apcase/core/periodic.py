"""The service's periodic work: what used to be cron lines (send the outbox every
minute, check registers every five minutes, the daily checks and reminders) is a task
of the task queue (django-tasks, docs/adr/0010-task-queue.md), put on the queue when it
falls due by the worker itself (`manage.py run_worker`).

Each app registers its tasks here from its `AppConfig.ready()`, as it registers
home-page items in `core.attention`:

    periodic.register(tasks.send_outbox, every=datetime.timedelta(minutes=1))
    periodic.register(tasks.send_reminders, daily_at=periodic.daily())

A task falls due once per *slot*: every N minutes (counted from midnight UTC), or once a
day from the given local time. `enqueue_due` puts each due slot on the queue once, and
only once however many workers ask (a `PeriodicRun` row per task and slot, unique in
the database): several workers on PostgreSQL never run the same slot twice. A worker
that was stopped at 06:00 and starts at 09:00 enqueues that day's slot at 09:00: a
missed run is caught up, once. The tasks themselves are idempotent (each says how), so
a slot run twice by hand does no harm either."""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    task: Any  # a django_tasks Task
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None

    @property
    def name(self) -> str:
        return str(self.task.module_path)

    def slot(self, now: datetime.datetime) -> datetime.datetime | None:
        """The start of the slot `now` falls in; None before a daily task's time today."""
        if self.every is not None:
            step = int(self.every.total_seconds())
            stamp = int(now.timestamp()) // step * step
            return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
        assert self.daily_at is not None  # noqa: S101 - register() insists on one of the two
        local = timezone.localtime(now)
        start = timezone.make_aware(datetime.datetime.combine(local.date(), self.daily_at))
        return start if local >= start else None


_registered: dict[str, Periodic] = {}


def daily(setting: str = "APCASE_DAILY_TASKS_AT") -> datetime.time:
    """When the daily tasks run: APCASE_DAILY_TASKS_AT (hour, minute), local time, or
    the time another setting names."""
    hour, minute = getattr(settings, setting, (6, 0))
    return datetime.time(int(hour), int(minute))


def register(
    task: Any, *, every: datetime.timedelta | None = None, daily_at: datetime.time | None = None
) -> None:
    if (every is None) == (daily_at is None):
        raise ValueError("A periodic task runs either every so often or daily at a time.")
    if every is not None and every < datetime.timedelta(minutes=1):
        raise ValueError("A periodic task runs at most once a minute.")
    entry = Periodic(task, every=every, daily_at=daily_at)
    _registered[entry.name] = entry


def registered() -> list[Periodic]:
    return list(_registered.values())


def enqueue_due(now: datetime.datetime | None = None) -> list[str]:
    """Put every registered task whose current slot has not been enqueued yet on the
    queue; returns their names. Each claim of a slot and its enqueueing are one
    transaction, so a slot is enqueued exactly once by whichever worker claims it."""
    now = now or timezone.now()
    enqueued = []
    for entry in registered():
        slot = entry.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=entry.name, slot=slot)
                entry.task.enqueue()
        except IntegrityError:
            continue  # another worker (or an earlier pass) has this slot
        logger.info("Enqueued %s for %s", entry.name, slot.isoformat())
        enqueued.append(entry.name)
    return enqueued


def forget_before(moment: datetime.datetime) -> int:
    """Delete the record of slots before `moment` (kept a fortnight by the worker, run_worker.KEEP)."""
    deleted, _ = PeriodicRun.objects.filter(slot__lt=moment).delete()
    return deleted
