"""List the records that have passed their retention period, for a person to review
(apcase.home.records). It deletes nothing."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from apcase.home.records import due_for_review


class Command(BaseCommand):
    help = "List records past their retention period for review (deletes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        for item in due_for_review(timezone.localdate()):
            self.stdout.write(f"{item.count:>8}  {item.what} ({item.rule})")
