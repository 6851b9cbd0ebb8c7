"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server, with the demo data loaded inside each test (see `demo_site`).

Never `playwright install`: the browser is the system's /usr/bin/chromium."""

import datetime
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import psycopg
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright
from psycopg import sql

from apcase.accounts import demo

# The live server runs in a thread beside Playwright's event loop; Django refuses
# synchronous database calls from a thread with a running loop unless told.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("APCASE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILT_CSS = Path(settings.BASE_DIR) / "apcase" / "static" / "govuk" / "govuk-frontend.min.css"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    if not BUILT_CSS.exists():
        pytest.fail("GOV.UK Frontend is not built: run `make install`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleWatch:
    """Collects what the browser complains about: console errors and uncaught errors."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page: Page) -> None:
        page.on(
            "console",
            lambda message: (
                self.errors.append(f"{page.url}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def csp_errors(self) -> list[str]:
        return [
            error
            for error in self.errors
            if "Content Security Policy" in error or "Refused to" in error
        ]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
def page(context: BrowserContext, console: ConsoleWatch) -> Page:
    page = context.new_page()
    console.attach(page)
    return page


class SqliteCopy:
    """SQLite's in-memory test database, copied byte for byte (the backup API)."""

    def __init__(self) -> None:
        self.copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(self.copy)

    def restore(self) -> bool:
        self.copy.backup(connection.connection)
        return True


TO_STDOUT = sql.SQL("COPY {} TO STDOUT (FORMAT BINARY)")
FROM_STDIN = sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)")


class PostgresCopy:
    """Every row of every table Django knows (its binary COPY, in memory) and every
    sequence's value, as they stood when made.

    `restore` empties those tables (the flush after the test before has emptied them,
    then put back the content types and permissions, under new ids) and copies the rows
    back, in one transaction with the session's triggers off, so that no trigger acts on rows it acted
    on when they were written: the audit tables' append-only guard, the foreign keys'
    checks, and the counts `monitoring` keeps of marks (its migration 0005), which would
    otherwise be counted twice. Then it sets each sequence back and checks every
    table's row count against the copy's."""

    def __init__(self) -> None:
        self.tables = sorted(
            connection.introspection.django_table_names(only_existing=True, include_views=False)
        )
        self.rows: dict[str, bytes] = {}
        self.counts: dict[str, int] = {}
        raw = connection.connection
        with transaction.atomic(), raw.cursor() as cursor:
            for table in self.tables:
                with cursor.copy(TO_STDOUT.format(sql.Identifier(table))) as copy:
                    data = b"".join(bytes(block) for block in copy)
                self.counts[table] = cursor.rowcount
                if cursor.rowcount:
                    self.rows[table] = data
            cursor.execute(
                "SELECT format('%I.%I', schemaname, sequencename), start_value, last_value "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
            self.sequences: list[tuple[str, int, int | None]] = cursor.fetchall()

    def restore(self) -> bool:
        """Put the copy back; False, having changed nothing, if this database user may
        not turn triggers off (`session_replication_role` needs a superuser)."""
        raw = connection.connection
        try:
            with transaction.atomic(), raw.cursor() as cursor:
                # LOCAL: the triggers are back on when this transaction ends, for
                # whatever the test itself writes.
                cursor.execute("SET LOCAL session_replication_role = replica")
                # Emptied by the flush but for what post_migrate put back: DELETE
                # those few rows, far quicker than a TRUNCATE of every table.
                for table, rows in self._counts(cursor).items():
                    if rows:
                        cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
                for table, data in self.rows.items():
                    with cursor.copy(FROM_STDIN.format(sql.Identifier(table))) as copy:
                        copy.write(data)
                # A sequence never called gives its start next, as it did.
                cursor.execute(
                    "SELECT setval(name::regclass, coalesce(last, start), last IS NOT NULL) "
                    "FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) AS s(name, start, last)",
                    [list(column) for column in zip(*self.sequences, strict=True)],
                )
                found = self._counts(cursor)
                if found != self.counts:
                    differing = sorted(t for t in self.tables if found[t] != self.counts[t])
                    raise AssertionError(
                        "The demo's copy did not restore the rows seed_demo wrote: "
                        + ", ".join(f"{t} {found[t]} not {self.counts[t]}" for t in differing)
                    )
        except psycopg.errors.InsufficientPrivilege:
            return False
        return True

    def _counts(self, cursor: psycopg.Cursor) -> dict[str, int]:
        count = sql.SQL("(SELECT count(*) FROM {})")
        cursor.execute(
            sql.SQL("SELECT {}").format(
                sql.SQL(", ").join(count.format(sql.Identifier(table)) for table in self.tables)
            )
        )
        row = cursor.fetchone()
        assert row is not None
        return dict(zip(self.tables, row, strict=True))


class DatabaseCopy(Protocol):
    def restore(self) -> bool: ...


@dataclass
class SeededDemo:
    """What `seed_demo` wrote into an empty database: a copy of the database as it
    stood after, and the files it stored (by name under MEDIA_ROOT)."""

    day: datetime.date
    database: DatabaseCopy
    files: dict[str, bytes]


_seeded: list[SeededDemo] = []  # this test worker's, once made


def _seed_demo_keeping_what_it_wrote() -> SeededDemo:
    """Run `seed_demo` into this test's empty database, its files into a folder of their
    own, and keep a copy of both."""
    with tempfile.TemporaryDirectory(prefix="apcase-demo-files-") as folder:
        with override_settings(MEDIA_ROOT=folder):
            call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        root = Path(folder)
        files = {
            str(path.relative_to(root)): path.read_bytes()
            for path in root.rglob("*")
            if path.is_file()
        }
    connection.ensure_connection()
    copy = SqliteCopy() if connection.vendor == "sqlite" else PostgresCopy()
    return SeededDemo(timezone.localdate(), copy, files)


_refused: list[bool] = []  # once this database user may not restore a copy


def _can_copy_the_database() -> bool:
    return not _refused and (
        connection.vendor == "postgresql"
        or (connection.vendor == "sqlite" and connection.is_in_memory_db())
    )


def load_the_demo() -> None:
    """Leave the (emptied) test database and MEDIA_ROOT as `seed_demo` leaves an empty
    database: from this worker's copy when it has one made today, else by running
    `seed_demo` (keeping a copy, where the database can be copied and put back)."""
    connection.ensure_connection()
    todays = bool(_seeded) and _seeded[0].day == timezone.localdate()
    if _can_copy_the_database() and todays and not _seeded[0].database.restore():
        _refused.append(True)  # the restore changed nothing
    if not _can_copy_the_database():
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        return
    if not todays:
        _seeded[:] = [_seed_demo_keeping_what_it_wrote()]
    # The content types' ids are those of the copy, not those the last flush made.
    ContentType.objects.clear_cache()
    media = Path(settings.MEDIA_ROOT)
    for name, content in _seeded[0].files.items():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(content)


@pytest.fixture
def demo_site(live_server, transactional_db) -> str:
    """The live server's address, with the demo organisations and accounts loaded.

    Running `seed_demo` took 1.5-3 s, most of a short browser test's time, so the first
    test of a worker runs it and keeps what it wrote, and each later test (the same day:
    the demo's dates follow today's) is given that back instead, after pytest-django's
    flush has emptied the database (`load_the_demo`). On SQLite the test database is one
    in-memory database that the live server's thread shares: it is given a
    byte-for-byte copy. On PostgreSQL every table's rows are copied back (binary COPY)
    with the session's triggers off, each sequence set back, and the row counts checked
    (`PostgresCopy`); where the database user may not turn triggers off (not a
    superuser), each test runs `seed_demo` instead. Either way each test starts from
    the state `seed_demo` leaves an empty database in, and the files it stored:
    tests/e2e/test_demo_copy.py proves it for both engines. `seed_demo` itself,
    including running it twice, is tested without a browser (tests/test_demo_seed.py)."""
    load_the_demo()
    return live_server.url


def current_code() -> str:
    return f"{TOTP(bytes.fromhex(demo.DEMO_TOTP_KEY_HEX)).token():06d}"


def follow(page: Page, locator: Locator) -> None:
    """Click a link (or a button) that loads a new page and wait until it has loaded,
    so that what is checked next is the new page, not the one the click left."""
    with page.expect_navigation():
        locator.click()


def submit(page: Page) -> None:
    """Press the page's main form button (the header also has one: Sign out) and wait
    for the page the server answers with. Every form here posts to the server, so every
    press loads a page; a click alone returns before it has, and a check made at once
    could read the old page (a test failed that way, reading the form, not its answer)."""
    with page.expect_navigation():
        page.locator("main form button[type=submit], main form input[type=submit]").first.click()


def enter_password(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    submit(page)


def sign_in_by_cookie(context: BrowserContext, base_url: str, email: str) -> None:
    """Give the browser a session that has passed both factors, as the test client's
    `sign_in` does, without typing them: the sign-in pages are tested on their own."""
    from django.test import Client

    from apcase.accounts.models import User
    from conftest import sign_in as sign_in_client

    client = sign_in_client(Client(), User.objects.get(email=email))
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def sign_in(page: Page, base_url: str, email: str) -> None:
    """Sign in as a demo account with both factors, as a person would."""
    enter_password(page, base_url, email)
    page.get_by_label("Code from your authenticator app").fill(current_code())
    submit(page)
    page.wait_for_url(f"{base_url}/")
