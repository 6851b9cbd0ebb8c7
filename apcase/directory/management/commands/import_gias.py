"""python manage.py import_gias FILE (--la-code 826 | --national) [--skip-invalid]

Run by the platform operator, as the system. Say which kind of import it is:
--la-code CODE imports for that one local authority (only rows with its code; a row
for an establishment another authority holds is refused), --national imports the GIAS
file of all England and may move establishments between authorities (each move is its
own audit event). Every row is checked first; if any is invalid nothing is applied
unless --skip-invalid is given."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind
from apcase.directory import gias, services

ERRORS_PRINTED = 50


class Command(BaseCommand):
    help = "Import schools and providers from a GIAS establishment CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows even if some rows are invalid.",
        )
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument(
            "--la-code",
            help="Import for the local authority with this LA code: only its rows, and "
            "only its own establishments.",
        )
        scope.add_argument(
            "--national",
            action="store_true",
            help="Import the GIAS file of all England: every row, and establishments may "
            "move to another local authority.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        scope: dict[str, Any] = {"national": True}
        if options["la_code"]:
            found = list(
                Organisation.objects.filter(
                    kind=OrganisationKind.LOCAL_AUTHORITY, la_code=options["la_code"]
                )[:2]
            )
            if len(found) != 1:
                raise CommandError(
                    f"{'No' if not found else 'More than one'} local authority has LA code "
                    f"{options['la_code']}."
                )
            scope = {"authority": found[0]}
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        lines = data.count(b"\n")
        quiet = options["verbosity"] == 0
        with (
            tqdm(
                total=max(lines - 1, 0), desc="Checking rows", unit="row", disable=quiet
            ) as checking,
            tqdm(total=None, desc="Applying", unit="row", disable=quiet) as applying,
        ):
            try:
                result = services.import_gias(
                    by=None,
                    data=data,
                    filename=path.name,
                    skip_invalid=options["skip_invalid"],
                    **scope,
                    progress=checking.update,
                    apply_progress=applying.update,
                )
            except gias.GiasFileError as error:
                raise CommandError(str(error)) from error
        for row_error in result.errors[:ERRORS_PRINTED]:
            self.stderr.write(
                f"line {row_error.line} (URN {row_error.urn or '?'}): {' '.join(row_error.messages)}"
            )
        if len(result.errors) > ERRORS_PRINTED:
            self.stderr.write(f"... and {len(result.errors) - ERRORS_PRINTED} more invalid rows.")
        if not result.applied:
            raise CommandError(
                f"Nothing imported: {len(result.errors)} of {result.total_rows} rows are invalid. "
                "Correct the file, or run again with --skip-invalid."
            )
        counts = result.counts()
        self.stdout.write(
            self.style.SUCCESS(
                "GIAS import complete: "
                + ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
            )
        )
