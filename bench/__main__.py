"""Run every benchmark and print a table of figures and ratios."""

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="apcase-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import gias_import

    print("apcase benchmarks (same run, same machine; compare the ratios)\n")
    for line in gias_import.run():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
