"""Fixtures for the tests that start the service under its production settings in a
separate process (test_deployment.py, test_security.py)."""

import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]

# The variables a test run sets in this process that no server would have.
NOT_INHERITED = {
    "APCASE_ENV",
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECRET_KEY",
    "WEB_CONCURRENCY",
    "APCASE_BIND",
}


def clean_environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED and k[:6] != "EMAIL_"}
    env.update(extra)
    return env


def production(**extra: str) -> dict[str, str]:
    return clean_environment(
        APCASE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="apcase.example.org",
        **extra,
    )


# Both tests that need a migrated production database run on one test worker, so the
# migrations (the slowest part of either) are applied once a run, not once a test.
PRODUCTION_DATABASE_GROUP = pytest.mark.xdist_group("production-database")


@pytest.fixture(scope="session")
def migrated_production_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated by `manage.py migrate` under the production settings, made
    once a session; copy it with `production_sqlite`, never write to it."""
    path = tmp_path_factory.mktemp("production-db") / "migrated.sqlite3"
    done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=BASE_DIR,
        env=production(DATABASE_URL=f"sqlite:///{path}"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture
def production_sqlite(migrated_production_sqlite: Path, tmp_path: Path) -> Path:
    """This test's own copy of the migrated production database (SQLite's backup API,
    so what the write-ahead log holds is copied too)."""
    copy = tmp_path / "production.sqlite3"
    source = sqlite3.connect(migrated_production_sqlite)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    assert copy.stat().st_size > 0
    shutil.copymode(migrated_production_sqlite, copy)
    return copy
