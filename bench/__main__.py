"""Run the benchmarks and print a table of figures and ratios.

python -m bench            # all: the GIAS import, the key pages at scale, the bulk imports
python -m bench gias       # the GIAS import only (SQLite, a minute)
python -m bench pages      # the key pages (PostgreSQL + gunicorn; BENCH_SCALE=1)
python -m bench bulk       # the bulk imports against COPY (PostgreSQL; BENCH_MARKS, BENCH_PUPILS)

`make bench BENCH=bulk` runs one of them the same way. The pages and the bulk imports
write bench/results/latest.json and latest.md; a run of one keeps the other's figures.
"""

import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    wanted = set(sys.argv[1:]) or {"gias", "pages", "bulk"}
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
    if wanted & {"pages", "bulk"}:
        import json

        from bench import bulk_import, scale_pages

        latest = scale_pages.RESULTS / "latest.json"
        kept = json.loads(latest.read_text(encoding="utf-8")) if latest.exists() else {}
        result = scale_pages.run()[1] if "pages" in wanted else kept
        result["bulk"] = bulk_import.run() if "bulk" in wanted else kept.get("bulk", [])
        lines = scale_pages.markdown(result)
        scale_pages.write(lines, result)
        print("\n".join(lines))
        print(f"\nWritten: {latest} and latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
