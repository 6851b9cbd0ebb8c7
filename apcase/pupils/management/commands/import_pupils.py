"""Import pupils and carers from an MIS CSV file (format: docs/mis-import.md).

The import is made in the name of a user who may import for the school, so the audit
trail names a person and the same permission rule applies as on the upload page."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apcase.accounts.import_commands import acting_user, read_file, write_problems
from apcase.accounts.models import Organisation
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
        user = acting_user(options["by"])
        content = read_file(options["csv_file"])
        try:
            result = mis_import.import_pupils(by=user, school=school, content=content)
        except NotPermitted as error:
            raise CommandError(str(error)) from None
        except mis_import.ImportFailed as error:
            write_problems(self.stderr, error.problems)
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{school}: {result.created} added, {result.updated} updated, "
                f"{result.unchanged} unchanged; carers {result.carers_added} added, "
                f"{result.carers_updated} updated."
            )
        )
