"""Back up the database to a file, with a manifest of row counts and checksums beside
it (apcase.core.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apcase.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database to a file, with a manifest of row counts and checksums."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("output", help="The backup file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(Path(options["output"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(t.rows for t in manifest.values())
        self.stdout.write(f"Backed up {len(manifest)} tables, {rows} rows, to {options['output']}.")
