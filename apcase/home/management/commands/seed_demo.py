"""Load the demo: Heronsgate School in Milton Keynes with its Primary Inclusion Panel,
the two providers the school's policy names, invented pupils and one account per role.

Idempotent: running it again updates the same records and adds nothing twice. Refuses
to run unless APCASE_ENV=development, so demo accounts never exist in production."""

import importlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apcase.accounts import demo as accounts_demo

# Each app that has demo data exposes seed(organisations) in its demo module.
APP_DEMOS = [
    "apcase.schooldays.demo",
    "apcase.directory.demo",
    "apcase.pupils.demo",
    "apcase.panel.demo",
    "apcase.monitoring.demo",
    "apcase.placements.demo",
    "apcase.safeguarding.demo",
    "apcase.reviews.demo",
    "apcase.reintegration.demo",
    "apcase.census.demo",
    # Returns the demo API keys to print (their only copy).
    "apcase.api.demo",
]


class Command(BaseCommand):
    help = "Load the invented demo data (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.APCASE_ENV != "development":
            raise CommandError("Demo data is only loaded when APCASE_ENV=development.")
        printed: list[str] = []
        with transaction.atomic():
            organisations = accounts_demo.seed_organisations()
            accounts_demo.seed_accounts(organisations)
            for module_name in APP_DEMOS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name == module_name:
                        continue
                    raise
                printed.extend(module.seed(organisations) or [])
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Every demo account:"))
        for account in accounts_demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<36} {account.role}")
        self.stdout.write(f"Password for all demo accounts: {accounts_demo.DEMO_PASSWORD}")
        self.stdout.write(
            f"TOTP secret for all demo accounts (base32): {accounts_demo.DEMO_TOTP_SECRET}"
        )
        if printed:
            self.stdout.write("Demo API keys (shown once; docs/api.md):")
            for line in printed:
                self.stdout.write(line)
