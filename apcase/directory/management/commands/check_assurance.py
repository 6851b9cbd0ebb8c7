"""Tell schools about lapsing provider assurance. Run it daily from the scheduler; it is
idempotent (each record, state and school is told once)."""

from typing import Any

from django.core.management.base import BaseCommand

from apcase.core.words import counted
from apcase.directory.services import send_assurance_alerts


class Command(BaseCommand):
    help = (
        "Email the inclusion lead(s) of schools with pupils at a provider whose assurance "
        "is expiring or has expired (once per record, state and school)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_assurance_alerts()
        self.stdout.write(
            f"{counted(run.sent, 'alert')} recorded, {counted(run.emails, 'email')} queued."
        )
        for problem in run.nobody_to_tell:
            self.stderr.write(
                self.style.ERROR(
                    f"Nobody to tell (no inclusion lead or headteacher): {problem} "
                    "Tried again on the next run."
                )
            )
