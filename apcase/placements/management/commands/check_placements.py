"""Email, once a day, what is missing or overdue on each open placement: the end date
near or past, an emergency placement without its agreed plan, no timetable, nobody
named. Run it daily from the scheduler; running it again the same day sends nothing."""

from typing import Any

from django.core.management.base import BaseCommand

from apcase.core.words import counted
from apcase.placements.services import send_daily_alerts


class Command(BaseCommand):
    help = "Email today's placement alerts to named staff members and inclusion leads (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = send_daily_alerts()
        self.stdout.write(f"{counted(queued, 'placement alert email')} queued.")
