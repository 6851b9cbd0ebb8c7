"""Export everything held about one pupil, for a subject access request, as JSON
(apcase.home.records). The export is access-logged against the person who asked for it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apcase.accounts.models import User
from apcase.home.records import subject_access_export
from apcase.pupils.models import Pupil


class Command(BaseCommand):
    help = "Export everything held about one pupil (subject access), access-logged."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--upn", required=True, help="The pupil's unique pupil number.")
        parser.add_argument(
            "--by", required=True, help="Email of the data protection officer exporting it."
        )
        parser.add_argument("--output", required=True, help="The JSON file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        pupil = Pupil.objects.filter(upn=options["upn"]).first()
        if pupil is None:
            raise CommandError("No pupil has that UPN.")
        by = User.objects.filter(email=options["by"], is_active=True).first()
        if by is None:
            raise CommandError("No active account has that email.")
        Path(options["output"]).write_text(subject_access_export(pupil, by=by))
        self.stdout.write(f"Everything held about {pupil} written to {options['output']}.")
