from typing import Any

from django.core.management.base import BaseCommand

from apcase.core.words import counted
from apcase.notifications.services import deliver_pending


class Command(BaseCommand):
    help = "Send every pending email in the outbox (run it every minute from cron or a worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = deliver_pending()
        self.stdout.write(f"Sent {counted(sent, 'message')}.")
