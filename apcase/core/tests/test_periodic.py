"""The periodic tasks run by the worker (apcase.core.periodic, `run_worker`): each slot
is enqueued once however often the schedule is looked at, a daily task waits for its
time, and one pass of the worker runs what the database queue holds."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from apcase.core import periodic
from apcase.core.models import PeriodicRun
from apcase.notifications.models import OutboxMessage

RUNS: list[str] = []


@task()
def note_a_run() -> None:
    RUNS.append("ran")


@pytest.fixture
def only(monkeypatch):  # type: ignore[no-untyped-def]
    """Replace the registered tasks with the test's own for the test."""
    monkeypatch.setattr(periodic, "_registered", {})
    RUNS.clear()
    return periodic


def test_the_scheduled_commands_are_registered_periodic_tasks() -> None:
    names = {entry.name: entry for entry in periodic.registered()}
    assert names["apcase.notifications.tasks.send_outbox"].every == datetime.timedelta(minutes=1)
    assert names["apcase.monitoring.tasks.check_registers"].every == datetime.timedelta(minutes=5)
    assert names["apcase.placements.tasks.check_placements"].daily_at == periodic.daily()
    assert names["apcase.directory.tasks.check_assurance"].daily_at == periodic.daily()


@pytest.mark.django_db
def test_a_slot_is_enqueued_once_however_often_the_schedule_is_read(only) -> None:  # type: ignore[no-untyped-def]
    only.register(note_a_run, every=datetime.timedelta(minutes=5))
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    assert only.enqueue_due(start + datetime.timedelta(minutes=1)) == [note_a_run.module_path]
    assert only.enqueue_due(start + datetime.timedelta(minutes=4)) == []
    assert RUNS == ["ran"]
    # The next five minutes are a new slot.
    assert only.enqueue_due(start + datetime.timedelta(minutes=5)) == [note_a_run.module_path]
    assert RUNS == ["ran", "ran"]
    assert PeriodicRun.objects.filter(name=note_a_run.module_path).count() == 2


@pytest.mark.django_db
def test_a_daily_task_waits_for_its_time_and_catches_up_once(only) -> None:  # type: ignore[no-untyped-def]
    only.register(note_a_run, daily_at=datetime.time(6, 0))
    today = timezone.localdate()

    def at(hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(today, datetime.time(hour)))

    assert only.enqueue_due(at(5)) == []
    # The worker was down at six: it runs the day's task when it starts at nine, once.
    assert only.enqueue_due(at(9)) == [note_a_run.module_path]
    assert only.enqueue_due(at(23)) == []
    assert only.enqueue_due(at(9) + datetime.timedelta(days=1)) == [note_a_run.module_path]
    assert RUNS == ["ran", "ran"]


def test_a_periodic_task_needs_one_schedule_of_at_least_a_minute() -> None:
    with pytest.raises(ValueError, match="either every so often or daily"):
        periodic.register(note_a_run)
    with pytest.raises(ValueError, match="at most once a minute"):
        periodic.register(note_a_run, every=datetime.timedelta(seconds=10))


# Committed transactions, as in production: the worker closes and reopens its database
# connection between tasks (Django's close_old_connections), which would end a test's
# own enclosing transaction on PostgreSQL.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_one_pass_of_the_worker_queues_what_is_due_and_runs_it_from_the_database() -> None:
    """The production backend: the periodic send_outbox is written to the queue table
    and run from there by the worker, which sends the waiting email."""
    # Waiting in the outbox (as after a mail outage): only the worker's task sends it.
    OutboxMessage.objects.create(to="lead@school.example", subject="Waiting", body="Hello")
    assert mail.outbox == []
    call_command("run_worker", "--once")
    assert [message.subject for message in mail.outbox] == ["Waiting"]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    ran = DBTaskResult.objects.get(task_path="apcase.notifications.tasks.send_outbox")
    assert ran.status == "SUCCESSFUL"
    # A second pass in the same minute enqueues nothing new.
    call_command("run_worker", "--once")
    assert DBTaskResult.objects.filter(task_path=ran.task_path).count() == 1


@pytest.mark.django_db
def test_the_worker_forgets_slots_after_a_fortnight() -> None:
    from apcase.core.management.commands.run_worker import KEEP, tidy

    now = timezone.now()
    PeriodicRun.objects.create(name="old", slot=now - KEEP - datetime.timedelta(minutes=1))
    PeriodicRun.objects.create(name="recent", slot=now - datetime.timedelta(days=1))
    tidy(now)
    assert list(PeriodicRun.objects.values_list("name", flat=True)) == ["recent"]


@pytest.mark.django_db
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_task_left_running_by_a_worker_that_died_is_run_again(caplog) -> None:  # type: ignore[no-untyped-def]
    """A worker killed mid-task (out of memory, the machine restarted) leaves its task
    'running' for ever and the slot claimed: that day's reminders would never go. The
    worker's tidying puts a task running for over an hour back on the queue."""
    from apcase.core.management.commands.run_worker import ABANDONED_AFTER, tidy

    now = timezone.now()
    abandoned, current = (DBTaskResult.objects.get(id=note_a_run.enqueue().id) for _ in "ab")
    DBTaskResult.objects.filter(pk=abandoned.pk).update(
        status="RUNNING", started_at=now - ABANDONED_AFTER - datetime.timedelta(minutes=1)
    )
    DBTaskResult.objects.filter(pk=current.pk).update(status="RUNNING", started_at=now)
    tidy(now)
    assert list(DBTaskResult.objects.ready().values_list("pk", flat=True)) == [abandoned.pk]
    assert DBTaskResult.objects.get(pk=current.pk).status == "RUNNING"
    assert "run again" in caplog.text


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_worker_run_by_cron_once_a_minute_also_runs_again_what_a_dead_worker_left(  # type: ignore[no-untyped-def]
    only, caplog
) -> None:
    """On a host where only cron may run things (`run_worker --once` every minute, as
    docs/deployment.md says) a task a killed worker left running must be run again too,
    and old slots forgotten: each pass does the tidying a long-running worker does
    hourly, before it runs the queue."""
    from apcase.core.management.commands.run_worker import ABANDONED_AFTER, KEEP

    now = timezone.now()
    left = DBTaskResult.objects.get(id=note_a_run.enqueue().id)
    DBTaskResult.objects.filter(pk=left.pk).update(
        status="RUNNING", started_at=now - ABANDONED_AFTER - datetime.timedelta(minutes=1)
    )
    PeriodicRun.objects.create(name="old", slot=now - KEEP - datetime.timedelta(minutes=1))
    call_command("run_worker", "--once")
    assert DBTaskResult.objects.get(pk=left.pk).status == "SUCCESSFUL"
    assert RUNS == ["ran"]
    assert not PeriodicRun.objects.filter(name="old").exists()
    assert "run again" in caplog.text
