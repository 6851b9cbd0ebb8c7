"""Import a provider's attendance marks from a CSV file, all or nothing (format:
docs/attendance-import.md).

The import is made in the name of one of the provider's staff, so the audit trail names
a person and the same permission rule applies as on the register page."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apcase.accounts.import_commands import acting_user, read_file, write_problems
from apcase.accounts.models import Organisation
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
        user = acting_user(options["by"])
        content = read_file(options["csv_file"])
        try:
            result = mark_import.import_marks(
                by=user, provider=provider, content=content, reason=options["reason"]
            )
        except NotPermitted as error:
            raise CommandError(str(error)) from None
        except mark_import.MarkImportFailed as error:
            write_problems(self.stderr, error.problems, error.total)
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
