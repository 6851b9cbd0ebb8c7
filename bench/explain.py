"""EXPLAIN of the queries the scale indexes are for (issue 16), as the pages run them.

Each check names a page, who asks for it, the table read and the index meant to serve
that read. The page is asked for once with Django's test client, the SELECTs it sends
to that table are taken from the queries it actually ran (so the plan is of the page's
own ORM queryset, not a copy of it), and each is run again under
`EXPLAIN (ANALYZE, COSTS OFF)` on PostgreSQL against the generated data, after
`ANALYZE` (as autovacuum would have done). A check uses its index when every such
query's plan names it; any `Seq Scan` on a table of more than BIG_ROWS rows is listed.

Run by `make bench` (`python -m bench pages`) against the larger database, or alone:

python -m bench.explain     # a private PostgreSQL cluster filled at BENCH_SCALE (1),
                            # its results written into bench/results/latest.json and .md

A database filled at scale 20 takes about an hour: to explain one filled already (and
migrated), name it and its scale instead of filling a cluster:

BENCH_EXPLAIN_DATABASE_URL=postgres://.../apcase_scale20 BENCH_EXPLAIN_SCALE=20 python -m bench.explain

`make bench` takes the same two settings for its EXPLAIN (bench/scale_pages.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess  # nosec B404 - runs the checks in a process set up for the database
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BIG_ROWS = 10_000  # a table this large read whole is flagged
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


@dataclass(frozen=True)
class Check:
    name: str
    page: str  # what the page is, in words
    role: str  # who asks for it (one of `scale.accounts()`)
    table: str  # the table whose reads the index is for
    index: str  # the index meant to serve them
    # The reads the index is for, when not every read of the table: a pattern of their
    # SQL. A list that picks a page's keys first reads that page again by primary key,
    # and counts every row, neither of which an index of the list's order serves.
    meant_for: str = ""


# The referral list's read of a page of keys, latest change first: what
# referrals_by_panel_updated is for.
REFERRAL_PAGE_IN_ORDER = r'ORDER BY "referrals_referral"\."updated_at" DESC.* LIMIT \d+$'
# The same list's count of its rows (the open referrals, its default): what
# open_referrals_by_panel is for.
REFERRAL_COUNT = r'^SELECT COUNT\(\*\) AS "__count" FROM "referrals_referral"'

# The LA home page's list of decisions whose letters have not all gone, read from the
# decisions flagged as maybe due: what decisions_letters_may_be_due is for.
LETTERS_MAY_BE_DUE = r'WHERE .*"panel_paneldecision"\."letters_may_be_due"'


def checks() -> list[tuple[Check, str]]:
    """Each check with its address in the generated authority."""
    from django.urls import reverse

    from apcase.accounts.roles import Role
    from bench.pages import key_pages

    url = {page.name: page.url for page in key_pages()}
    return [
        (
            Check(
                "open follow-ups by assignee",
                "home page of a named member of staff (school)",
                Role.SCHOOL_STAFF,
                "monitoring_followuptask",
                "open_follow_ups_by_assignee",
            ),
            reverse("home"),
        ),
        (
            Check(
                "open follow-ups by placement",
                "compliance board (LA)",
                Role.LA_OFFICER,
                "monitoring_followuptask",
                "open_follow_ups_by_placement",
            ),
            url["compliance board"],
        ),
        (
            Check(
                "referrals by panel, latest change first",
                "referral list (LA)",
                Role.LA_OFFICER,
                "referrals_referral",
                "referrals_by_panel_updated",
                meant_for=REFERRAL_PAGE_IN_ORDER,
            ),
            url["referral list (LA)"],
        ),
        (
            Check(
                "open referrals by panel, counted",
                "referral list (LA)",
                Role.LA_OFFICER,
                "referrals_referral",
                "open_referrals_by_panel",
                meant_for=REFERRAL_COUNT,
            ),
            url["referral list (LA)"],
        ),
        (
            Check(
                "decisions whose letters may be due",
                "home page (LA)",
                Role.LA_OFFICER,
                "panel_paneldecision",
                "decisions_letters_may_be_due",
                meant_for=LETTERS_MAY_BE_DUE,
            ),
            reverse("home"),
        ),
        (
            Check(
                "audit events by pupil and time",
                "chronology (school)",
                Role.INCLUSION_LEAD,
                "chronology_auditevent",
                "audit_events_by_pupil_time",
            ),
            url["chronology"],
        ),
    ]


def _signed_in(email: str) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from apcase.accounts import two_factor
    from apcase.accounts.models import User

    user = User.objects.get(email=email)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get(confirmed=True).persistent_id
    two_factor.note_verified(session)
    session.save()
    return client


def recording(into: list[tuple[str, Any]]) -> Callable[..., Any]:
    """A database execute wrapper noting each query's SQL and parameters as it runs
    (Django's own query log is cleared when a request starts)."""

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, *args: Any) -> Any:
        into.append((sql, params))
        return execute(sql, params, *args)

    return wrapper


def reads_of(table: str, queries: list[str]) -> list[str]:
    """The SELECTs among `queries` that read `table` from a FROM (not only a join)."""
    main = re.compile(rf'\bFROM "{table}"')
    return [sql for sql in queries if sql.lstrip().startswith("SELECT") and main.search(sql)]


def seq_scans(plan: str, rows: dict[str, int]) -> list[str]:
    """The big tables (more than BIG_ROWS rows) the plan reads whole."""
    return sorted({t for t in SEQ_SCAN.findall(plan) if rows.get(t, 0) > BIG_ROWS})


INDEX_SCAN = re.compile(r"Index (?:Only )?Scan(?: Backward)? using (\w+) on (\w+)")
BITMAP_HEAP = re.compile(r"Bitmap Heap Scan on (\w+)")
BITMAP_INDEX = re.compile(r"Bitmap Index Scan on (\w+)")


def indexes_read(plan: str, table: str) -> list[str]:
    """The indexes the plan reads `table` by: an index scan on it, or the bitmap index
    scan under a bitmap heap scan of it."""
    found: set[str] = set()
    heap = ""
    for line in plan.splitlines():
        if scan := INDEX_SCAN.search(line):
            if scan.group(2) == table:
                found.add(scan.group(1))
        elif heap_scan := BITMAP_HEAP.search(line):
            heap = heap_scan.group(1)
        elif (bitmap := BITMAP_INDEX.search(line)) and heap == table:
            found.add(bitmap.group(1))
            heap = ""
    return sorted(found)


def is_meant(check: Check, sql: str) -> bool:
    """Whether the index of `check` is meant to serve this read of its table."""
    return not check.meant_for or re.search(check.meant_for, sql.strip()) is not None


def uses_index(index: str, table: str, plans: list[str], meant: list[bool]) -> bool:
    """Whether every plan of a read the index is meant for reads `table` by `index`
    (and there is at least one such read)."""
    wanted = [plan for plan, is_for in zip(plans, meant, strict=True) if is_for]
    return bool(wanted) and all(index in indexes_read(plan, table) for plan in wanted)


def explain_all() -> list[dict[str, Any]]:
    """Inside a Django process on the PostgreSQL database filled by generate_scale_data."""
    from django.db import connection

    from apcase.home import scale

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        )
        rows = {name: int(count) for name, count in cursor.fetchall()}
    emails = {a.role: a.email for a in scale.accounts()}
    found = []
    for check, url in checks():
        client = _signed_in(emails[check.role])
        ran: list[tuple[str, Any]] = []
        with connection.execute_wrapper(recording(ran)):
            response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{check.page}: {response.status_code}")
        wanted = set(reads_of(check.table, [sql for sql, _ in ran]))
        reads = [(sql, params) for sql, params in ran if sql in wanted]
        plans = []
        with connection.cursor() as cursor:
            for sql, params in reads:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
                plans.append("\n".join(line for (line,) in cursor.fetchall()))
        plan = "\n\n".join(plans)
        meant = [is_meant(check, sql) for sql, _ in reads]
        found.append(
            {
                "name": check.name,
                "page": check.page,
                "table": check.table,
                "table_rows": rows.get(check.table, 0),
                "index": check.index,
                "queries": len(reads),
                "meant": meant,
                "uses_index": uses_index(check.index, check.table, plans, meant),
                "seq_scans": seq_scans(plan, rows),
                "plan": plan,
            }
        )
    return found


def run(env: dict[str, str], database_url: str) -> list[dict[str, Any]]:
    """The checks against `database_url`, in a process of their own (`env`: the stack's)."""
    done = subprocess.run(  # nosec B603
        [sys.executable, "-m", "bench.explain", "--inside"],
        env={**env, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"EXPLAIN failed:\n{done.stderr[-3000:]}")
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def markdown(result: dict[str, Any]) -> list[str]:
    """The report's EXPLAIN section (none when the run made no EXPLAIN)."""
    explained = result.get("explain") or []
    if not explained:
        return []
    scale = result.get("explain_scale")
    lines = [
        "",
        "## EXPLAIN of the queries the indexes are for",
        "",
        f"PostgreSQL, generate_scale_data --scale {scale:g}, after ANALYZE; each page's own "
        f"queries on the table, run again under EXPLAIN ANALYZE. A Seq Scan on a table of "
        f"more than {BIG_ROWS:,} rows is flagged. 'used' says whether every such query "
        "read the table by the index meant for it; 'the table read by' names the indexes "
        "the plans did read it by.",
        "",
        "| query | page | table (rows) | index meant for it | used | the table read by "
        "| Seq Scan on a big table |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in explained:
        scans = ", ".join(row["seq_scans"]) or "none"
        if row["seq_scans"]:
            scans = f"**{scans}**"
        used = "yes" if row["uses_index"] else "**no**"
        read_by = ", ".join(indexes_read(row["plan"], row["table"])) or "no index"
        lines.append(
            f"| {row['name']} | {row['page']} | {row['table']} ({row['table_rows']:,}) "
            f"| {row['index']} | {used} | {read_by} | {scans} |"
        )
    for row in explained:
        lines += ["", f"### {row['name']}", "", "```", row["plan"] or "(no query)", "```"]
    return lines


def main() -> int:
    """Fill a private cluster at BENCH_SCALE, EXPLAIN, and put the results into the
    committed report (the other figures in it are left as they are)."""
    from bench.scale_pages import RESULTS, BenchStack
    from bench.scale_pages import markdown as report

    filled = os.environ.get("BENCH_EXPLAIN_DATABASE_URL", "")
    scale = float(os.environ.get("BENCH_EXPLAIN_SCALE") or os.environ.get("BENCH_SCALE", "1"))
    stack = BenchStack(workers=1)
    try:
        if not filled:
            stack.create_cluster()
            started = time.monotonic()
            stack.fill(stack.database_url, scale)
            print(f"Filled at scale {scale:g} in {time.monotonic() - started:.0f} s")
        stack.manage("collectstatic", "--no-input")  # the pages' templates need it
        explained = run(stack.env(), filled or stack.database_url)
    finally:
        stack.stop()  # with no cluster started, only its folder (the static files) goes
    result = json.loads((RESULTS / "latest.json").read_text(encoding="utf-8"))
    result["explain"] = explained
    result["explain_scale"] = scale
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "latest.md").write_text("\n".join(report(result)) + "\n", encoding="utf-8")
    for row in explained:
        print(f"{row['name']}: index used {row['uses_index']}, seq scans {row['seq_scans']}")
    return 0


if __name__ == "__main__":
    if "--inside" in sys.argv:
        import django

        django.setup()
        print(json.dumps(explain_all()))
        sys.exit(0)
    sys.exit(main())
