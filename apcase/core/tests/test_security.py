"""Security headers, the production configuration and the SQLite journal mode."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler
from django.test import Client

from apcase.accounts.roles import Role
from apcase.core.tests.conftest import PRODUCTION_DATABASE_GROUP
from conftest import sign_in

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = BASE_DIR / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def home_response(world, user_with_role):
    return sign_in(Client(), user_with_role(Role.INCLUSION_LEAD)).get("/")


def test_content_security_policy_allows_no_inline_script_or_style(home_response):
    directives = csp_directives(home_response)

    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'self'" in directives["script-src"]
    assert any(value.startswith("'nonce-") for value in directives["script-src"])
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_pages_send_the_security_headers(home_response):
    assert home_response["X-Content-Type-Options"] == "nosniff"
    assert home_response["Referrer-Policy"] == "same-origin"
    assert home_response["X-Frame-Options"] == "DENY"
    assert home_response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_every_script_on_a_page_is_a_file_or_carries_the_nonce(home_response):
    html = home_response.content.decode()
    nonce = next(
        value.removeprefix("'nonce-").removesuffix("'")
        for value in csp_directives(home_response)["script-src"]
        if value.startswith("'nonce-")
    )

    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        assert "src=" in attributes or f'nonce="{nonce}"' in attributes
    assert "style=" not in html
    assert "<style" not in html


def production_environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process;
        # a production server never has it, and check --deploy rightly warns about it.
        if key
        not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        APCASE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="apcase.example.org",
        **extra,
    )
    return env


def test_production_settings_pass_djangos_deployment_checks_without_a_warning():
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [str(PYTHON), "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@PRODUCTION_DATABASE_GROUP
def test_production_cookies_are_secure_http_only_same_site_and_https_is_enforced(
    production_sqlite,
):
    result = subprocess.run(  # noqa: S603 - our own interpreter and probe script
        [str(PYTHON), str(Path(__file__).with_name("production_probe.py"))],
        cwd=BASE_DIR,
        env=production_environment(DATABASE_URL=f"sqlite:///{production_sqlite}"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])

    assert probe["settings_module"] == "config.settings.production"
    assert probe["status"] == 302  # signed in with the password, on to the second factor
    assert set(probe["cookies"]) == {"__Host-apcase-session", "__Host-apcase-csrf"}
    for cookie in probe["cookies"].values():
        assert cookie["secure"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""
    max_age = int(re.search(r"max-age=(\d+)", probe["hsts"]).group(1))
    assert max_age >= 31536000
    assert "includeSubDomains" in probe["hsts"]
    assert probe["plain_http_status"] == 301
    assert probe["plain_http_location"].startswith("https://")


def test_sqlite_database_files_run_in_write_ahead_log_mode(tmp_path, django_db_blocker):
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("WAL is a SQLite setting; this run uses another database")
    # The tests' own database is in memory, where WAL does not apply: open a file
    # database with exactly the configured options instead.
    handler = ConnectionHandler({"default": {**default, "NAME": str(tmp_path / "wal.sqlite3")}})
    connection = handler["default"]
    with django_db_blocker.unblock():
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                (mode,) = cursor.fetchone()
                cursor.execute("PRAGMA foreign_keys")
                (foreign_keys,) = cursor.fetchone()
        finally:
            connection.close()

    assert mode == "wal"
    assert foreign_keys == 1
