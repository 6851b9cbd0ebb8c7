"""The one worker process: puts the periodic tasks on the queue as they fall due
(apcase.core.periodic) and runs whatever is on the queue, until stopped (Ctrl-C or
SIGTERM: a running task is finished first). `make run` starts it beside the web server;
production runs one (and, on PostgreSQL, as many more as wanted: docs/deployment.md).
A task a dead worker left running is run again after ABANDONED_AFTER (`tidy`, on the
first pass, hourly after, and on every pass of `--once`).
`--once` does one pass (enqueue what is due, run everything ready, exit), for a test or
a cron line where no long-running process is allowed."""

import datetime
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from apcase.core import periodic

logger = logging.getLogger(__name__)

# How long the record of enqueued slots and of finished tasks (their result or error)
# is kept: enough to see what ran, and failed, in the last fortnight.
KEEP = datetime.timedelta(days=14)
TIDY_EVERY = datetime.timedelta(hours=1)
# A task still 'running' this long after it started was left by a worker that died
# (killed, out of memory, the machine restarted: SIGTERM lets a task finish): the
# periodic tasks take seconds, and each is idempotent, so it is put back on the queue.
ABANDONED_AFTER = datetime.timedelta(hours=1)


def tidy(now: datetime.datetime) -> None:
    """Forget periodic slots and finished tasks older than KEEP; run again any task a
    dead worker left running (its slot is claimed, so nothing else would)."""
    periodic.forget_before(now - KEEP)
    DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP).delete()
    abandoned = DBTaskResult.objects.running().filter(started_at__lt=now - ABANDONED_AFTER)
    for result in abandoned:
        logger.error(
            "Task %s (%s) was left running since %s by a worker that stopped; run again",
            result.task_path,
            result.pk,
            result.started_at.isoformat() if result.started_at else "?",
        )
    abandoned.update(status=TaskResultStatus.READY)


class Command(BaseCommand):
    help = "Run the task worker: periodic tasks as they fall due and everything queued."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between passes (default 5)."
        )

    def handle(self, *args: Any, once: bool = False, interval: float = 5.0, **options: Any) -> None:
        worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,  # run() returns once nothing is ready: then the schedule is looked at
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        if not once:
            worker.configure_signals()
            self.stdout.write("Worker started: periodic tasks and the queue (Ctrl-C stops it).")
        tidied: datetime.datetime | None = None
        while worker.running:
            # Every pass of --once (a cron line), the first pass and then hourly:
            # before the queue is run, so a task a dead worker left is run in this pass.
            if tidied is None or timezone.now() - tidied >= TIDY_EVERY:
                tidied = timezone.now()
                tidy(tidied)
            for name in periodic.enqueue_due():
                self.stdout.write(f"{timezone.localtime():%H:%M:%S} queued {name}")
            worker.run()
            if once:
                break
            time.sleep(interval)
