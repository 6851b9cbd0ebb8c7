"""Import pupils and carers from an MIS CSV file (format: docs/mis-import.md).

The import is made in the name of a user who may import for the school, so the audit
trail names a person and the same permission rule applies as on the upload page."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from apcase.accounts.import_commands import CsvImportCommand, organisation
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind
from apcase.pupils import mis_import


class Command(CsvImportCommand):
    help = "Import pupils and carers for one school from an MIS CSV export (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--school-urn", type=int, required=True, help="The school's URN.")
        parser.add_argument(
            "--by", required=True, help="Email of the school admin or inclusion lead importing."
        )

    def organisation_for(self, options: dict[str, Any]) -> Organisation:
        return organisation(
            OrganisationKind.SCHOOL,
            f"No school has URN {options['school_urn']}.",
            urn=options["school_urn"],
        )

    def run_import(
        self, *, by: User, organisation: Organisation, content: bytes, options: dict[str, Any]
    ) -> str:
        result = mis_import.import_pupils(by=by, school=organisation, content=content)
        return (
            f"{result.created} added, {result.updated} updated, "
            f"{result.unchanged} unchanged; carers {result.carers_added} added, "
            f"{result.carers_updated} updated."
        )
