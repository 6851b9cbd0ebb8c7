"""Drill: 200 simulated users on loopback for 10 minutes across the main journeys
(locust, headless), against the production settings under gunicorn on PostgreSQL.

Passes when no request failed: every page answered 200 (every write 302), nothing timed
out, and no link the service showed led to an error page. The figures (requests, rate,
median and 95th percentile times, the slowest pages) are printed for docs/security.md.

`APCASE_DRILL_USERS`, `APCASE_DRILL_MINUTES` and `APCASE_DRILL_WORKERS` change the size
(defaults 200, 10 and 5).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess  # nosec B404 - runs locust on purpose
import sys
from pathlib import Path

from drills.people import LOAD_ACCOUNTS
from drills.stack import ROOT, running_stack


def run(users: int | None = None, minutes: float | None = None) -> list[str]:
    users = users or int(os.environ.get("APCASE_DRILL_USERS", "200"))
    minutes = minutes or float(os.environ.get("APCASE_DRILL_MINUTES", "10"))
    workers = int(os.environ.get("APCASE_DRILL_WORKERS", "5"))
    with running_stack(workers=workers) as stack:
        sessions = stack.mint_sessions(
            LOAD_ACCOUNTS, per_account=max(1, users // len(LOAD_ACCOUNTS))
        )
        sessions_file = stack.folder / "sessions.json"
        sessions_file.write_text(json.dumps(sessions), encoding="utf-8")
        prefix = stack.folder / "locust"
        command = [
            sys.executable, "-m", "locust", "-f", "drills/locustfile.py", "--headless",
            "--host", stack.base_url, "-u", str(users), "-r", str(max(1, users // 20)),
            "-t", f"{int(minutes * 60)}s", "--csv", str(prefix), "--only-summary",
            "--stop-timeout", "30", "--loglevel", "WARNING",
        ]  # fmt: skip
        env = {
            **os.environ,
            "APCASE_DRILL_SESSIONS": str(sessions_file),
            "APCASE_DRILL_CSRF": stack.csrf_secret,
            "PYTHONPATH": str(ROOT),
        }
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # nosec B603
        return _report(prefix, users, minutes, workers, done)


def _report(
    prefix: Path, users: int, minutes: float, workers: int, done: subprocess.CompletedProcess[str]
) -> list[str]:
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        return ["Load drill", f"  FAIL: locust produced no figures:\n{done.stderr[-3000:]}"]
    rows = list(csv.DictReader(stats_file.open(encoding="utf-8")))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    pages = sorted(
        (row for row in rows if row["Name"] != "Aggregated"),
        key=lambda row: float(row["95%"] or 0),
        reverse=True,
    )
    failures = int(total["Failure Count"])
    lines = [
        f"Load drill: {users} simulated users for {minutes:g} min on loopback "
        f"(gunicorn, {workers} sync workers, PostgreSQL, production settings)",
        f"  requests: {total['Request Count']}, failures: {failures}, "
        f"rate: {float(total['Requests/s']):.1f}/s",
        f"  response times: median {total['50%']} ms, 95th percentile {total['95%']} ms, "
        f"99th {total['99%']} ms, slowest {float(total['Max Response Time']):.0f} ms",
        "  slowest pages (95th percentile): "
        + "; ".join(f"{row['Type']} {row['Name']} {row['95%']} ms" for row in pages[:5]),
    ]
    if failures:
        failure_file = Path(f"{prefix}_failures.csv")
        for row in list(csv.DictReader(failure_file.open(encoding="utf-8")))[:10]:
            lines.append(
                f"  FAIL: {row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}"
            )
    else:
        lines.append("  PASS")
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
