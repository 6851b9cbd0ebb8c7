"""Delete uploaded files that no record names (apcase.core.uploads.sweep_orphans): the
file of an upload whose transaction rolled back. Run daily; files younger than a day
are never touched."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apcase.core.uploads import ORPHAN_GRACE, sweep_orphans
from apcase.core.words import counted


class Command(BaseCommand):
    help = "Delete uploaded files that no record names and that are over a day old."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the orphan files; delete nothing."
        )
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=int(ORPHAN_GRACE.total_seconds() // 3600),
            help="Only files last written this many hours ago or more (default 24).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = datetime.timedelta(hours=max(1, options["older_than_hours"]))
        orphans = sweep_orphans(older_than=older_than, dry_run=options["dry_run"])
        verb = "Would delete" if options["dry_run"] else "Deleted"
        for relative in orphans:
            self.stdout.write(f"{verb} {relative}")
        self.stdout.write(f"{verb} {counted(len(orphans), 'orphan file')}.")
