"""Import pupils and carers from an MIS CSV file (format: docs/mis-import.md).

The import is made in the name of a user who may import for the school, so the audit
trail names a person and the same permission rule applies as on the upload page."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind
from apcase.core.errors import NotPermitted
from apcase.pupils import mis_import


class Command(BaseCommand):
    help = "Import pupils and carers for one school from an MIS CSV export (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--school-urn", type=int, required=True, help="The school's URN.")
        parser.add_argument(
            "--by", required=True, help="Email of the school admin or inclusion lead importing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = Organisation.objects.filter(
            kind=OrganisationKind.SCHOOL, urn=options["school_urn"]
        ).first()
        if school is None:
            raise CommandError(f"No school has URN {options['school_urn']}.")
        user = User.objects.filter(email__iexact=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the email {options['by']}.")
        path: Path = options["csv_file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            result = mis_import.import_pupils(by=user, school=school, content=path.read_bytes())
        except NotPermitted as error:
            raise CommandError(str(error)) from None
        except mis_import.ImportFailed as error:
            for problem in error.problems:
                column = f" [{problem.column}]" if problem.column else ""
                self.stderr.write(f"line {problem.line}{column}: {problem.message}")
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{school}: {result.created} added, {result.updated} updated, "
                f"{result.unchanged} unchanged; carers {result.carers_added} added, "
                f"{result.carers_updated} updated."
            )
        )
