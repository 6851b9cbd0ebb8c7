"""Fill the database with invented data at the scale of a local authority, for the
benchmark (`make bench`) and for trying pages against realistic volumes
(`apcase.home.scale`). Refuses a database holding anything but the demo."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from apcase.home import scale
from apcase.monitoring.models import MarkCount


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic data: --scale 1 is one local authority "
        "(100 schools, 30,000 pupils, 2,000 placements with a year of registers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 is one LA; 0.01 is tiny")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same data")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0.")
        started = time.monotonic()
        try:
            with transaction.atomic():
                counts = scale.generate(
                    options["scale"], seed=options["seed"], progress=not options["no_progress"]
                )
        except scale.NotOnlyDemo as error:
            raise CommandError(
                f"{error} Scale data goes only into an empty or demo database."
            ) from error
        self._as_autovacuum_would_have_kept_it()
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<32} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data written ({sum(counts.values()):,} rows in "
                f"{time.monotonic() - started:.0f} s)."
            )
        )

    def _as_autovacuum_would_have_kept_it(self) -> None:
        """On PostgreSQL, leave the tables as a database written over a year would be,
        not as one written in minutes. The marks' counts (`MarkCount`, kept by triggers)
        are updated once for each of about a million marks, leaving every old version of
        each row behind (42 MB for 13,000 rows at --scale 1), which autovacuum, running
        all year, would have cleared as it went; and every table's statistics are read,
        as autovacuum would have read them. VACUUM cannot run in a transaction, so inside
        one (a test's) this is left out."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            if connection.pg_version >= 150000:  # type: ignore[attr-defined]
                # The writes' own statistics (a dead row for every count updated) are
                # sent when this connection next waits, which can be after VACUUM has
                # said there are none; ask for them first (PostgreSQL 15 and later).
                # Under load they have still come after it, so `n_dead_tup` may count
                # rows VACUUM has already removed: a counter, not the table, which the
                # test judges instead (test_scale_data).
                cursor.execute("SELECT pg_stat_force_next_flush()")
            table = connection.ops.quote_name(MarkCount._meta.db_table)
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")  # nosec B608 - the model's table
            cursor.execute("ANALYZE")
