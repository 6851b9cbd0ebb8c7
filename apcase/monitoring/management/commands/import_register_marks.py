"""Import a provider's attendance marks from a CSV file, all or nothing (format:
docs/attendance-import.md).

The import is made in the name of one of the provider's staff, so the audit trail names
a person and the same permission rule applies as on the register page."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.core.words import counted
from apcase.monitoring import mark_import


class Command(BaseCommand):
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

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Organisation.objects.filter(
            kind=OrganisationKind.PROVIDER, pk=options["provider"]
        ).first()
        if provider is None:
            raise CommandError(f"No provider has the number {options['provider']}.")
        user = User.objects.filter(email__iexact=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the email {options['by']}.")
        path: Path = options["csv_file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            result = mark_import.import_marks(
                by=user, provider=provider, content=path.read_bytes(), reason=options["reason"]
            )
        except NotPermitted as error:
            raise CommandError(str(error)) from None
        except mark_import.MarkImportFailed as error:
            for problem in error.problems:
                column = f" [{problem.column}]" if problem.column else ""
                self.stderr.write(f"line {problem.line}{column}: {problem.message}")
            if error.total > len(error.problems):
                self.stderr.write(f"… and {error.total - len(error.problems):,} more.")
            raise CommandError(str(error)) from None
        except ValidationFailed as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{provider}: {counted(result.marks, 'mark')} imported for "
                f"{counted(result.placements, 'placement')}; "
                f"{counted(result.follow_ups, 'follow-up')} raised."
            )
        )
