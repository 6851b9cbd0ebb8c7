"""The browser tests' demo (`demo_site`): what a later test is given back from the copy
the first one kept is what `seed_demo` wrote into the empty database, table by table,
row by row, with the same next ids, the same files, and the database's triggers on
again for whatever the test writes. Where PostgreSQL refuses to turn the triggers off
(a user that is not a superuser), each test runs `seed_demo` instead."""

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.test import Client

from apcase.accounts.models import User
from apcase.core.backup import manifest_of
from apcase.monitoring.models import AttendanceMark, MarkCount
from conftest import sign_in
from tests.e2e import conftest as e2e


def _next_ids() -> dict[str, int]:
    """The id each table's next row would be given, by sequence (PostgreSQL) or by
    table (SQLite's AUTOINCREMENT), read without taking one."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq + 1 FROM sqlite_sequence")
        else:
            cursor.execute(
                "SELECT sequencename, coalesce(last_value + increment_by, start_value) "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
        return dict(cursor.fetchall())


def _files(media: Path) -> dict[str, str]:
    return {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media.rglob("*")
        if path.is_file()
    }


def _state(media: Path) -> dict[str, Any]:
    """Every table's row count and digest of its rows, the next ids and the files."""
    tables = connection.introspection.table_names(include_views=False)
    return {
        "tables": manifest_of(connection, tables),
        "next ids": _next_ids(),
        "files": _files(media),
    }


def _marks_counted() -> int:
    return MarkCount.objects.aggregate(n=Sum("n"))["n"] or 0


def _flush_as_pytest_django_does() -> None:
    """Empty the database as the end of a transactional test does: every table, the
    sequences left where they were, then the content types and permissions put back
    (post_migrate), under new ids."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


def _the_demo_comes_back_as_seed_demo_wrote_it(monkeypatch, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setattr(e2e, "_seeded", [])  # this worker's copy, if any, left alone
    e2e.load_the_demo()
    written = _state(media)
    assert written["tables"]["accounts_user"].rows > 0
    assert written["tables"]["monitoring_markcount"].rows > 0
    copy = e2e._seeded[0]

    _flush_as_pytest_django_does()
    shutil.rmtree(media)
    assert _state(media) != written  # the flush has emptied it
    e2e.load_the_demo()

    assert e2e._seeded == [copy], "seed_demo ran again rather than the copy being restored"
    restored = _state(media)
    differing = sorted(
        t for t in written["tables"] if restored["tables"][t] != written["tables"][t]
    )
    assert not differing, f"tables differing from what seed_demo wrote: {differing}"
    assert restored == written

    # Each current mark counted once (the counts came back as rows, not from triggers
    # acting on the marks again), and what the test itself writes goes through the
    # triggers again: a mark no longer current leaves the count, and the audit trail
    # refuses a change.
    current = AttendanceMark.objects.filter(is_current=True)
    assert _marks_counted() == current.count() > 0
    current.filter(pk=current.values("pk")[:1]).update(is_current=False)
    assert _marks_counted() == current.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE chronology_auditevent SET summary = summary")

    # And the demo's people sign in to a working site.
    client = sign_in(Client(), User.objects.get(email="headteacher@heronsgate.example"))
    response = client.get("/")
    assert response.status_code == 200
    assert "Heronsgate School" in response.content.decode()


def test_the_demo_restored_on_postgresql_is_what_seed_demo_wrote(
    transactional_db, monkeypatch, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's copy of the demo: run with DATABASE_URL=postgres://...")
    _the_demo_comes_back_as_seed_demo_wrote_it(monkeypatch, settings, tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone() == ("origin",)


def test_the_demo_restored_on_sqlite_is_what_seed_demo_wrote(
    transactional_db, monkeypatch, settings, tmp_path
):
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("SQLite's copy of the demo: the tests' in-memory SQLite database only")
    _the_demo_comes_back_as_seed_demo_wrote_it(monkeypatch, settings, tmp_path)


class _Undo(Exception):
    pass


def test_where_the_database_user_may_not_turn_triggers_off_each_test_runs_seed_demo(
    transactional_db, monkeypatch, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's copy needs no privilege")
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    monkeypatch.setattr(e2e, "_seeded", [])
    monkeypatch.setattr(e2e, "_refused", [])
    e2e.load_the_demo()
    seeded = {t: s.rows for t, s in _state(media)["tables"].items()}
    _flush_as_pytest_django_does()
    shutil.rmtree(media)

    with pytest.raises(_Undo):
        _as_a_user_not_a_superuser_for_one_transaction(media, seeded)


def _as_a_user_not_a_superuser_for_one_transaction(media: Path, seeded: dict[str, int]) -> None:
    """Load the demo as a database user that is not a superuser; the role, and all it
    did, are rolled back at the end (by raising _Undo)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE apcase_test_not_a_superuser NOSUPERUSER")
        for grant in (
            "GRANT USAGE ON SCHEMA public TO apcase_test_not_a_superuser",
            "GRANT ALL ON ALL TABLES IN SCHEMA public TO apcase_test_not_a_superuser",
            "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO apcase_test_not_a_superuser",
        ):
            cursor.execute(grant)
        cursor.execute("SET LOCAL ROLE apcase_test_not_a_superuser")

        e2e.load_the_demo()

        assert e2e._refused == [True]
        assert {t: s.rows for t, s in _state(media)["tables"].items()} == seeded
        client = sign_in(Client(), User.objects.get(email="headteacher@heronsgate.example"))
        response = client.get("/")
        assert response.status_code == 200
        assert "Heronsgate School" in response.content.decode()
        raise _Undo
