"""Raise same-day follow-ups for registers not in by their cut-off. Run it every few
minutes from the scheduler; it is idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from apcase.core.words import counted
from apcase.monitoring.services import check_registers


class Command(BaseCommand):
    help = "Raise follow-ups for pupils not marked by the register cut-off (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        made = check_registers()
        self.stdout.write(f"{counted(made, 'follow-up task')} raised.")
