"""Import a provider's attendance marks from a CSV file, all or nothing (format:
docs/attendance-import.md).

The import is made in the name of one of the provider's staff, so the audit trail names
a person and the same permission rule applies as on the register page."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from apcase.accounts.import_commands import CsvImportCommand, organisation
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind
from apcase.core.words import counted
from apcase.monitoring import mark_import


class Command(CsvImportCommand):
    help = "Import a provider's attendance marks from a CSV file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", type=Path)
        parser.add_argument(
            "--provider", type=int, required=True, help="The provider's number in apcase."
        )
        parser.add_argument(
            "--by", required=True, help="Email of the provider's staff member importing."
        )
        parser.add_argument(
            "--reason",
            required=True,
            help="Why the marks are entered after their registers closed (kept on each mark).",
        )

    def organisation_for(self, options: dict[str, Any]) -> Organisation:
        return organisation(
            OrganisationKind.PROVIDER,
            f"No provider has the number {options['provider']}.",
            pk=options["provider"],
        )

    def run_import(
        self, *, by: User, organisation: Organisation, content: bytes, options: dict[str, Any]
    ) -> str:
        result = mark_import.import_marks(
            by=by, provider=organisation, content=content, reason=options["reason"]
        )
        return (
            f"{counted(result.marks, 'mark')} imported for "
            f"{counted(result.placements, 'placement')}; "
            f"{counted(result.follow_ups, 'follow-up')} raised."
        )
