"""The backup drill: back up a database holding the demo, restore it somewhere else, and
every table's row count and checksum match (apcase.core.backup)."""

import json
import os
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from apcase.core.backup import manifest_of, read_manifest

pytestmark = pytest.mark.django_db(transaction=True)


def _restore_target(tmp_path: Path) -> tuple[str, object]:
    """Somewhere to restore into, on the same engine, and how to clean it up."""
    if connection.vendor == "sqlite":
        return str(tmp_path / "restored.sqlite3"), lambda: None
    name = f"apcase_restore_drill_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings = connection.settings_dict
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
    url = f"postgresql://{auth}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{name}"

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return url, drop


def test_a_backup_restores_with_identical_counts_and_checksums(tmp_path, capsys):
    call_command("seed_demo")
    backup_file = tmp_path / "apcase.backup"
    call_command("backup", str(backup_file))
    manifest = read_manifest(backup_file)
    assert manifest["pupils_pupil"].rows > 0
    assert manifest["chronology_auditevent"].rows > 0
    target, drop = _restore_target(tmp_path)
    try:
        call_command("restore", str(backup_file), "--into", target)
        assert "every count and checksum matches" in capsys.readouterr().out
    finally:
        drop()  # type: ignore[operator]


def test_a_restore_that_does_not_match_its_manifest_fails_loudly(tmp_path):
    call_command("seed_demo")
    backup_file = tmp_path / "apcase.backup"
    call_command("backup", str(backup_file))
    # The manifest says one more pupil than the backup holds: a lost row.
    manifest_file = tmp_path / "apcase.backup.manifest.json"
    recorded = json.loads(manifest_file.read_text())
    recorded["pupils_pupil"][0] += 1
    manifest_file.write_text(json.dumps(recorded))
    target, drop = _restore_target(tmp_path)
    try:
        with pytest.raises(CommandError, match="differs from the backup in: pupils_pupil"):
            call_command("restore", str(backup_file), "--into", target)
    finally:
        drop()  # type: ignore[operator]


def test_the_manifest_counts_rows_and_changes_with_them(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.sqlite3")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.execute("INSERT INTO t (v) VALUES ('a'), ('b')")
    before = manifest_of(conn, ["t"])["t"]
    conn.execute("UPDATE t SET v = 'c' WHERE id = 2")
    after = manifest_of(conn, ["t"])["t"]
    assert (before.rows, after.rows) == (2, 2)
    assert before.checksum != after.checksum
