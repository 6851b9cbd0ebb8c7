"""Backing up and restoring the database, with a manifest that proves the round trip.

- SQLite: Python's online backup API copies the live database page by page (readers and
  writers carry on), into a single file.
- PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore --clean --if-exists
  --no-owner` into the database named by a URL.

Next to every backup goes `<file>.manifest.json`: for each table, its row count and a
SHA-256 checksum of its rows in a fixed order. A restore recomputes the manifest on the
restored database and fails loudly if any table differs, so a backup is only trusted once
it has been restored and compared."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404: pg_dump and pg_restore, with argument lists, never a shell
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.db import connection


class BackupError(Exception):
    """A backup or restore that could not be done, or did not round-trip."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def manifest_of(conn: Any, tables: list[str]) -> dict[str, TableSum]:
    """Row count and checksum of every table, read through a DB-API connection."""
    found = {}
    cursor = conn.cursor()
    for table in sorted(tables):
        # Table names come from the database's own schema, quoted; no user input.
        cursor.execute(f"SELECT * FROM {_quote(table)} LIMIT 0")  # noqa: S608  # nosec B608
        width = len(cursor.description)
        order = ", ".join(str(i) for i in range(1, width + 1))
        cursor.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608  # nosec B608
        digest = hashlib.sha256()
        rows = 0
        for row in cursor.fetchall():
            digest.update(repr(tuple(row)).encode())
            rows += 1
        found[table] = TableSum(rows, digest.hexdigest())
    return found


def _tables() -> list[str]:
    return [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def _write_manifest(path: Path, manifest: dict[str, TableSum]) -> None:
    _manifest_path(path).write_text(
        json.dumps({t: [s.rows, s.checksum] for t, s in manifest.items()}, indent=1)
    )


def read_manifest(path: Path) -> dict[str, TableSum]:
    raw = json.loads(_manifest_path(path).read_text())
    return {table: TableSum(rows, checksum) for table, (rows, checksum) in raw.items()}


def _pg_env_and_args(settings_dict: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


def backup(path: Path) -> dict[str, TableSum]:
    """Back up the default database to `path` and write its manifest beside it."""
    connection.ensure_connection()
    tables = _tables()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
            manifest = manifest_of(target, tables)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        # Read through a plain connection, as the restore check does, so both sides
        # turn values into text the same way.
        with _pg_connect(_pg_url(connection.settings_dict)) as source:
            manifest = manifest_of(source, tables)
        env, args = _pg_env_and_args(connection.settings_dict)
        _run_pg(
            "pg_dump",
            ["--format=custom", "--file", str(path), *args, connection.settings_dict["NAME"]],
            env,
        )
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    _write_manifest(path, manifest)
    return manifest


def _pg_url(settings_dict: dict[str, Any]) -> str:
    user = settings_dict.get("USER") or ""
    if settings_dict.get("PASSWORD"):
        user += f":{settings_dict['PASSWORD']}"
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{settings_dict['NAME']}"


def _pg_connect(url: str) -> Any:
    """A plain connection in UTC, so timestamps read the same from either database."""
    import psycopg

    conn = psycopg.connect(url)
    conn.execute("SET TIME ZONE 'UTC'")
    return conn


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client).")
    return found


def _run_pg(program: str, args: list[str], env: dict[str, str]) -> None:
    """Run pg_dump or pg_restore; a failure is a BackupError in the program's words."""
    done = subprocess.run(  # noqa: S603  # nosec B603: fixed program, argument list
        [_program(program), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise BackupError(f"{program} failed: {done.stderr.strip()}")


def restore(path: Path, *, target: str) -> dict[str, TableSum]:
    """Restore the backup at `path` into `target` (a SQLite file path, or a PostgreSQL
    URL) and check it against the backup's manifest; raise BackupError on any
    difference."""
    expected = read_manifest(path)
    if target.startswith(("postgres://", "postgresql://")):
        url = urlparse(target)
        env, args = _pg_env_and_args(
            {
                "HOST": url.hostname or "localhost",
                "PORT": url.port or 5432,
                "USER": url.username,
                "PASSWORD": url.password,
            }
        )
        dbname = url.path.lstrip("/")
        _run_pg(
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--dbname", dbname, *args, str(path)],
            env,
        )
        with _pg_connect(target) as restored:
            found = manifest_of(restored, list(expected))
    else:
        source = sqlite3.connect(path)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
            found = manifest_of(destination, list(expected))
        finally:
            source.close()
            destination.close()
    differing = sorted(t for t in expected if found.get(t) != expected[t])
    if differing:
        raise BackupError(
            "The restored database differs from the backup in: " + ", ".join(differing)
        )
    return found
