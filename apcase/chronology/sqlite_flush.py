"""Let `manage.py flush` (and the test runner's flush between transactional tests)
empty the audit tables on SQLite, where the append-only trigger (migration 0003)
refuses DELETE.

SQLite has no TRUNCATE, so Django flushes with `DELETE FROM`, which the trigger
refuses. PostgreSQL flushes with TRUNCATE, which its trigger leaves to the database
owner; this gives SQLite the same owner-level exception and nothing wider: the flush's
own transaction drops each DELETE trigger, empties the tables and re-creates the
trigger from its stored definition, so the trigger is back before the flush commits.

Installed by the chronology app when `APCASE_FLUSH_LIFTS_SQLITE_AUDIT_TRIGGERS` is
set, which only the test settings do."""

from collections.abc import Callable
from typing import Any

AUDIT_TABLES = ("chronology_auditevent", "chronology_accesslogentry")
_INSTALLED_FLAG = "_apcase_lifts_audit_delete_triggers"


def _delete_triggers(connection: Any) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN (%s, %s) AND sql LIKE %s",
            [*AUDIT_TABLES, "%BEFORE DELETE%"],
        )
        return list(cursor.fetchall())


def _wrap(original: Callable[..., list[str]]) -> Callable[..., list[str]]:
    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements = original(self, style, tables, **kwargs)
        if not set(tables) & set(AUDIT_TABLES):
            return statements
        triggers = _delete_triggers(self.connection)
        # The trigger names are read from sqlite_master, never from a user.
        drops = [f'DROP TRIGGER IF EXISTS "{name}";' for name, _ in triggers]  # nosec B608
        creates = [f"{sql};" for _, sql in triggers]
        return [*drops, *statements, *creates]

    setattr(sql_flush, _INSTALLED_FLAG, True)
    return sql_flush


def install() -> None:
    """Wrap SQLite's flush SQL once (idempotent)."""
    # The backend's base module first: importing its operations module on its own is a
    # circular import when no SQLite connection has loaded the backend yet (PostgreSQL).
    import django.db.backends.sqlite3.base  # noqa: F401
    from django.db.backends.sqlite3.operations import DatabaseOperations

    if getattr(DatabaseOperations.sql_flush, _INSTALLED_FLAG, False):
        return
    DatabaseOperations.sql_flush = _wrap(DatabaseOperations.sql_flush)  # type: ignore[method-assign]
