"""Restore a backup into a database and prove it matches the backup's manifest
(apcase.core.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apcase.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup into a database (a SQLite file or a PostgreSQL URL) and check it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("backup", help="The backup file written by `manage.py backup`.")
        parser.add_argument(
            "--into",
            required=True,
            help="Where to restore: a SQLite file path or a postgres:// URL. Never the "
            "live database by accident: name it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            found = restore(Path(options["backup"]), target=options["into"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(t.rows for t in found.values())
        self.stdout.write(
            f"Restored {len(found)} tables, {rows} rows; every count and checksum matches."
        )
