"""Run the benchmarks and print a table of figures and ratios.

python -m bench            # both: the GIAS import, then the key pages at scale
python -m bench gias       # the GIAS import only (SQLite, a minute)
python -m bench pages      # the key pages (PostgreSQL + gunicorn; BENCH_SCALE=1)
"""

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    wanted = set(sys.argv[1:]) or {"gias", "pages"}
    folder = Path(tempfile.mkdtemp(prefix="apcase-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command

    print("apcase benchmarks (same run, same machine; compare the ratios)\n")
    if "gias" in wanted:
        call_command("migrate", verbosity=0)
        from bench import gias_import

        for line in gias_import.run():
            print(line)
    if "pages" in wanted:
        from bench import scale_pages

        lines, result = scale_pages.run()
        scale_pages.write(lines, result)
        print("\n".join(lines))
        print(f"\nWritten: {scale_pages.RESULTS / 'latest.json'} and latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
