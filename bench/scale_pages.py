"""Key pages against a whole local authority (issue 16): the production settings under
gunicorn (2 sync workers) on a private PostgreSQL cluster holding the demo and
`generate_scale_data` at scale S (BENCH_SCALE, 1 by default), with a second database at
10 × S for the query counts.

For each page (`bench/pages.py`):
- SQL queries per request on the demo, at S and at 10 × S (in-process, the same
  settings, counted with Django's own query capture);
- req/s, p50 and p95 at one connection (each page asked for again and again for
  BENCH_SECONDS, 3 by default), through gunicorn, by an account signed in through the
  real sign-in pages (password, then a TOTP code computed from the seeded secret);
- with 50 simulated users who each wait 5 s between requests (locust headless, for
  BENCH_LOAD_SECONDS, 60 by default), p50 and p95 of each page;
- the two floors in the same run: the accessibility statement signed in (every
  middleware, the session and the user read) and with no session at all.
Each page's req/s is given as a share of the signed-in floor's, and that floor's as a
share of the bare one. Results go to bench/results/latest.json and latest.md."""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import statistics
import subprocess  # nosec B404 - the benchmark starts gunicorn and locust on purpose
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bench import explain
from bench.bulk_import import markdown as bulk_markdown
from drills.stack import RANDOM_PAGE_COST, ROOT, Stack

RESULTS = ROOT / "bench" / "results"
USERS = 50  # locust's simulated users under load
LOAD_P95_TARGET_MS = 150  # every request under that load, p95
THINK_SECONDS = 5  # each waits this long between requests
TOTP_STEP = 30
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Account:
    email: str
    cookies: dict[str, str]
    last_step: int = -1
    verified_at: float = 0.0


class Signer:
    """Signs accounts in through the real pages: the password, then a TOTP code from the
    seeded key (a code is accepted once per account and step, so each account waits
    for the next step before it gives another)."""

    def __init__(self, stack: Stack, key_hex: str) -> None:
        self.stack = stack
        self.key = bytes.fromhex(key_hex)

    def _code(self, account: Account) -> str:
        from django_otp.oath import totp

        while int(time.time()) // TOTP_STEP == account.last_step:
            time.sleep(0.5)
        account.last_step = int(time.time()) // TOTP_STEP
        return f"{totp(self.key, step=TOTP_STEP, digits=6):06d}"

    def _post(self, account: Account, path: str, data: dict[str, str]) -> requests.Response:
        page = self._get(account, path)
        token = CSRF_INPUT.search(page.text)
        if token is None:
            raise RuntimeError(f"No CSRF token on {path} ({page.status_code})")
        origin = self.stack.base_url.replace("http://", "https://")
        response = requests.post(
            self.stack.base_url + path,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            headers={**self.headers(account), "Origin": origin, "Referer": origin + path},
            allow_redirects=False,
            timeout=60,
        )
        account.cookies.update({c.name: c.value or "" for c in response.cookies})
        return response

    def _get(self, account: Account, path: str) -> requests.Response:
        response = requests.get(
            self.stack.base_url + path,
            headers=self.headers(account),
            allow_redirects=False,
            timeout=60,
        )
        account.cookies.update({c.name: c.value or "" for c in response.cookies})
        return response

    def headers(self, account: Account | None) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https"}
        if account and account.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in account.cookies.items())
        return headers

    def sign_in(self, email: str, password: str) -> Account:
        account = Account(email=email, cookies={})
        done = self._post(account, "/account/sign-in/", {"username": email, "password": password})
        if done.status_code != 302:
            raise RuntimeError(f"Sign-in refused for {email}: {done.status_code}")
        done = self._post(account, "/account/two-factor/", {"token": self._code(account)})
        if done.status_code != 302 or "sign-in" in done.headers.get("Location", ""):
            raise RuntimeError(f"Two-factor refused for {email}: {done.status_code}")
        account.verified_at = time.monotonic()
        return account

    def confirm(self, account: Account) -> None:
        """Give a fresh code, as bulk downloads ask once the last is 5 minutes old."""
        if time.monotonic() - account.verified_at < 180:
            return
        done = self._post(account, "/account/two-factor/again/", {"token": self._code(account)})
        if done.status_code != 302:
            raise RuntimeError(f"Code refused for {account.email}: {done.status_code}")
        account.verified_at = time.monotonic()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(stack: Stack, headers: dict[str, str], url: str, seconds: float) -> dict[str, float]:
    """One connection, one request after another, for `seconds` (at least 3 requests),
    after one request that is not timed: what a page prepares once and keeps is not
    timed as if every reader paid for it. The panel pack is the one such page: in use
    the task worker renders and stores it when its agenda changes (docs/adr/0013), but
    generate_scale_data writes its meetings without the services that queue that task,
    so its first download renders it (about 6 s at one authority's scale)."""
    session = requests.Session()
    first = session.get(stack.base_url + url, headers=headers, allow_redirects=False, timeout=300)
    if first.status_code != 200:
        raise RuntimeError(f"{url} answered {first.status_code}")
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < 3 or time.perf_counter() - started < seconds:
        begun = time.perf_counter()
        response = session.get(
            stack.base_url + url, headers=headers, allow_redirects=False, timeout=120
        )
        _ = response.content
        times.append(time.perf_counter() - begun)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    total = sum(times)
    return {
        "rps_c1": len(times) / total,
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": _percentile(times, 0.95) * 1000,
        "requests": len(times),
    }


QUERY_SCRIPT = """
import json, sys, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from apcase.accounts import demo
from apcase.accounts.models import Organisation
from apcase.home import scale
from bench.pages import authorised, key_pages, scale_school

which = sys.argv[1]
if which == "demo":
    school = Organisation.objects.get(kind="school", name="Heronsgate School")
    emails = {a.role: a.email for a in demo.DEMO_ACCOUNTS if not a.email.startswith("manager@bridge")}
else:
    school = scale_school()
    emails = {a.role: a.email for a in scale.accounts()}
out = {}
for page in key_pages(school):
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    extra = authorised(client, page, emails.get(page.role, ""))
    client.get(page.url, secure=True, **extra)  # warm caches a first request fills
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url, secure=True, **extra)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    if response.status_code != 200:
        raise SystemExit(f"{page.name}: {response.status_code}")
    out[page.name] = len(queries)
print(json.dumps(out))
"""


def query_counts(stack: Stack, database_url: str, which: str) -> dict[str, int]:
    env = {**stack.env(), "DATABASE_URL": database_url}
    done = subprocess.run(  # nosec B603
        [sys.executable, "-c", QUERY_SCRIPT, which],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"query counts ({which}) failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


LOCUSTFILE = """
import json, os, random
from locust import HttpUser, constant, task

PAGES = json.loads(open(os.environ["BENCH_PAGES"], encoding="utf-8").read())

class Person(HttpUser):
    wait_time = constant({think})

    @task
    def page(self):
        page = random.choice(PAGES)
        self.client.get(page["url"], name=page["name"], headers=page["headers"])
"""


def load(stack: Stack, pages: list[dict[str, Any]], seconds: int) -> dict[str, dict[str, float]]:
    folder = stack.folder
    (folder / "pages.json").write_text(json.dumps(pages), encoding="utf-8")
    (folder / "locustfile.py").write_text(
        LOCUSTFILE.replace("{think}", str(THINK_SECONDS)), encoding="utf-8"
    )
    prefix = folder / "load"
    command = [
        sys.executable, "-m", "locust", "-f", str(folder / "locustfile.py"), "--headless",
        "--host", stack.base_url, "-u", str(USERS), "-r", "10", "-t", f"{seconds}s",
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_PAGES": str(folder / "pages.json")}
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # nosec B603
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    return {
        row["Name"]: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
        }
        for row in rows
    }


@dataclass
class BenchStack(Stack):
    """The drills' stack, its database filled by generate_scale_data as well; gunicorn
    serves `served` (a database URL) once it is set."""

    served: str = ""

    @property
    def database_url(self) -> str:
        return self.served or super().database_url

    def database(self, name: str) -> str:
        return self.database_url.rsplit("/", 1)[0] + f"/{name}"

    def env(self) -> dict[str, str]:
        # The benchmark asks an API endpoint far more often than a key may (120 a
        # minute by default, answered 429 past it): it measures what a request costs,
        # not the rate limit, so its server allows its keys that many.
        return {**super().env(), "APCASE_API_RATE": "1000000/minute"}

    def fill(self, database_url: str, scale: float) -> float:
        started = time.monotonic()
        env = {"DATABASE_URL": database_url}
        for args, development in (
            (("migrate", "--no-input"), False),
            (("seed_demo",), True),
            (("generate_scale_data", "--scale", str(scale), "--no-progress"), False),
        ):
            self._manage_with(env, args, development)
        return time.monotonic() - started

    def _manage_with(self, extra: dict[str, str], args: tuple[str, ...], development: bool) -> None:
        env = {**self.env(), **extra}
        if development:
            env.update(APCASE_ENV="development", DJANGO_SETTINGS_MODULE="config.settings.local")
        done = subprocess.run(  # nosec B603
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def run() -> tuple[list[str], dict[str, Any]]:
    import django

    django.setup()
    from apcase.accounts import demo
    from apcase.home import scale as scale_data

    scale = float(os.environ.get("BENCH_SCALE", "1"))
    seconds = float(os.environ.get("BENCH_SECONDS", "3"))
    load_seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    stack = BenchStack(workers=2)
    try:
        stack.create_cluster()
        fill_1x = stack.fill(stack.database_url, scale)
        big = stack.database("apcase_bench_10x")
        subprocess.run(  # nosec B603 B607
            [
                "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(stack.pg_port),
                "-U",
                "postgres",
                "apcase_bench_10x",
            ],
            check=True,
        )
        fill_10x = stack.fill(big, scale * 10)
        small = stack.database_url
        serve_big = os.environ.get("BENCH_SERVE") == "10x"
        stack.manage("collectstatic", "--no-input")
        counts_demo = query_counts(stack, small, "demo")
        counts_1x = query_counts(stack, small, "scale")
        counts_10x = query_counts(stack, big, "scale")
        # EXPLAIN at 10 × S, or against a database filled already at a larger scale
        # (BENCH_EXPLAIN_DATABASE_URL and BENCH_EXPLAIN_SCALE: scale 20 takes an hour).
        explained = explain.run(stack.env(), os.environ.get("BENCH_EXPLAIN_DATABASE_URL") or big)
        stack.served = big if serve_big else small
        stack.start_web()
        signer = Signer(stack, demo.DEMO_TOTP_KEY_HEX)
        emails = {a.role: a.email for a in scale_data.accounts()}
        pages = _pages_in(stack)
        accounts = {
            role: signer.sign_in(emails[role], demo.DEMO_PASSWORD)
            for role in sorted({p["role"] for p in pages if p["role"] and not p["token"]})
        }

        def headers(page: dict[str, Any]) -> dict[str, str]:
            if page["token"]:  # an API endpoint: its key, no session
                return {**signer.headers(None), "Authorization": f"Bearer {page['token']}"}
            return signer.headers(accounts.get(page["role"]))

        measured: dict[str, dict[str, float]] = {}
        for page in pages:
            account = accounts.get(page["role"])
            if account is not None and not page["token"]:
                signer.confirm(account)
            measured[page["name"]] = measure(stack, headers(page), page["url"], seconds)
        for account in accounts.values():
            account.verified_at = 0
            signer.confirm(account)
        loaded = load(
            stack,
            [{"name": p["name"], "url": p["url"], "headers": headers(p)} for p in pages],
            load_seconds,
        )
    finally:
        stack.stop()
    lines, result = _report(
        scale * 10 if serve_big else scale,
        scale,
        fill_1x,
        fill_10x,
        seconds,
        load_seconds,
        pages,
        measured,
        loaded,
        counts_demo,
        counts_1x,
        counts_10x,
    )
    result["explain"] = explained
    result["explain_scale"] = float(os.environ.get("BENCH_EXPLAIN_SCALE") or scale * 10)
    return markdown(result), result


def _pages_in(stack: Stack) -> list[dict[str, str]]:
    # Each page as a dict, an API endpoint's with a key made for the run ("token").
    script = (
        "import json, django; django.setup()\n"
        "from apcase.home import scale\n"
        "from bench.pages import api_key, key_pages\n"
        "emails = {a.role: a.email for a in scale.accounts()}\n"
        "print(json.dumps([{**p.__dict__, 'token': api_key(p, emails[p.role]) if p.scopes "
        "else ''} for p in key_pages()]))\n"
    )
    done = subprocess.run(  # nosec B603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=stack.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def _report(  # noqa: PLR0913 - the run's figures, each kept apart
    served_scale: float,
    scale: float,
    fill_1x: float,
    fill_10x: float,
    seconds: float,
    load_seconds: int,
    pages: list[dict[str, str]],
    measured: dict[str, dict[str, float]],
    loaded: dict[str, dict[str, float]],
    counts_demo: dict[str, int],
    counts_1x: dict[str, int],
    counts_10x: dict[str, int],
) -> tuple[list[str], dict[str, Any]]:
    floor = measured["authenticated floor (signed in)"]["rps_c1"]
    bare = measured["bare floor (no session)"]["rps_c1"]
    rows = []
    for page in pages:
        name = page["name"]
        figures = measured[name]
        under_load = loaded.get(name, {})
        rows.append(
            {
                "name": name,
                "queries_demo": counts_demo.get(name),
                "queries_1x": counts_1x.get(name),
                "queries_10x": counts_10x.get(name),
                "rps_c1": round(figures["rps_c1"], 2),
                "requests_c1": figures.get("requests"),
                "floor_ratio": round(
                    figures["rps_c1"] / (bare if page["role"] == "" else floor), 3
                ),
                "p50_ms": round(figures["p50_ms"], 1),
                "p95_ms": round(figures["p95_ms"], 1),
                "load_p50_ms": under_load.get("p50_ms"),
                "load_p95_ms": under_load.get("p95_ms"),
                "load_requests": under_load.get("requests"),
                "load_failures": under_load.get("failures"),
            }
        )
    total = loaded.get("Aggregated", {})
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "server": "gunicorn, 2 sync workers, production settings, PostgreSQL (private "
            f"cluster, random_page_cost {RANDOM_PAGE_COST} as docs/deployment.md recommends)",
            "scale_served": served_scale,
            "scale_1x": scale,
            "scale_10x": scale * 10,
            "note": (
                f"query counts on the demo, at generate_scale_data --scale {scale:g} and at "
                f"--scale {scale * 10:g}; timings against --scale {served_scale:g} "
                "(--scale 1 is one local authority)"
            ),
            "users": USERS,
            "think_seconds": THINK_SECONDS,
            "load_seconds": load_seconds,
            "fill_seconds_1x": round(fill_1x),
            "fill_seconds_10x": round(fill_10x),
            "seconds_per_page_c1": seconds,
            "load": (
                f"{USERS} users, {THINK_SECONDS} s between requests, {load_seconds} s "
                "(locust headless)"
            ),
        },
        "floors": {
            "authenticated_rps": round(floor, 2),
            "bare_rps": round(bare, 2),
            "authenticated_share_of_bare": round(floor / bare, 3),
        },
        "load_total": total,
        "pages": rows,
        "bulk": [],
    }
    return markdown(result), result


def _scale_words(scale: float) -> str:
    return "a whole local authority" if scale == 1 else f"{scale:g} of one local authority"


def _cell(value: object, missing: str = "not measured") -> str:
    return missing if value is None else str(value)


def _saturation(result: dict[str, Any]) -> str:
    """Whether the load run kept up: each user asks, waits, asks again, so a server that
    answers at once serves about users × seconds / wait requests; far fewer means the
    requests queued, and the load timings are mostly that queue."""
    machine, total = result["machine"], result.get("load_total") or {}
    users = machine.get("users", USERS)
    think = machine.get("think_seconds", THINK_SECONDS)
    seconds = machine.get("load_seconds")
    served = total.get("requests")
    if not seconds or served is None:
        return "The load run's totals were not kept."
    unqueued = round(users * seconds / think)
    said = (
        f"Under load the server answered {served} requests ({total.get('failures', 0)} "
        f"failed) where {users} users waiting {think} s would ask about {unqueued} if each "
        "answer came at once"
    )
    if total.get("p95_ms") is not None:
        p95 = total["p95_ms"]
        said += (
            f"; of all of them p50 {total.get('p50_ms'):g} ms and p95 {p95:g} ms, "
            f"{'within' if p95 < LOAD_P95_TARGET_MS else 'over'} the "
            f"{LOAD_P95_TARGET_MS} ms the p95 is to stay under"
        )
    if served < unqueued / 2:
        return (
            said + ": the 2 workers were saturated, so the load timings are mostly time "
            "spent queueing behind the slowest pages, not each page's own, and a page's "
            "load p95 from a handful of requests is its slowest one. Locust rounds times "
            "of a second or more to two significant figures."
        )
    return said + "."


def markdown(result: dict[str, Any]) -> list[str]:
    machine, floors = result["machine"], result["floors"]
    small, big = machine["scale_1x"], machine["scale_10x"]
    lines = [
        f"# Key pages against {_scale_words(machine['scale_served'])} (`make bench`)",
        "",
        f"{machine['server']}; {machine['cpus']} CPUs; {machine['note']}.",
        f"Floors: signed in {floors['authenticated_rps']} req/s, bare {floors['bare_rps']} req/s "
        f"(signed-in floor at {floors['authenticated_share_of_bare']:.0%} of the bare one).",
        "Each page at one connection was asked for once untimed (the panel pack is rendered "
        "and stored then, as the task worker does when an agenda changes), then at least 3 "
        f"times and for at least {machine['seconds_per_page_c1']:g} s, so a slow page's p95 "
        "comes from a few requests.",
        f"Under load: {machine['load']}. {_saturation(result)}",
        "",
        f"| page | queries demo → scale {small:g} → scale {big:g} | req/s (1 conn) | "
        "requests (1 conn) | share of floor | p50 ms | p95 ms | load requests | "
        "load p50 ms | load p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in result["pages"]:
        lines.append(
            f"| {row['name']} | {row['queries_demo']} → {row['queries_1x']} → {row['queries_10x']} "
            f"| {row['rps_c1']} | {_cell(row.get('requests_c1'), 'not kept')} | {row['floor_ratio']:.2f} "
            f"| {row['p50_ms']} | {row['p95_ms']} | {_cell(row.get('load_requests'))} "
            f"| {_cell(row['load_p50_ms'])} | {_cell(row['load_p95_ms'])} |"
        )
    return lines + bulk_markdown(result.get("bulk", [])) + explain.markdown(result)


def write(lines: list[str], result: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
