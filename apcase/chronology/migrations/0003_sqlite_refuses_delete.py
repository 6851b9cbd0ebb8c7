"""SQLite: refuse DELETE on the audit tables too, as PostgreSQL already does (0002).

0002 left DELETE to the application-level guards on SQLite, so a raw `DELETE FROM
chronology_auditevent` erased history. This trigger refuses it beneath the ORM. The
test runner empties tables between transactional tests with DELETE (SQLite has no
TRUNCATE); the test settings lift this trigger for that flush only, the way
PostgreSQL's TRUNCATE is left to the database owner (see
`apcase.chronology.sqlite_flush`)."""

from django.db import migrations

TABLES = ["chronology_auditevent", "chronology_accesslogentry"]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'apcase audit records are append-only'); END;"
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_delete;")


class Migration(migrations.Migration):
    dependencies = [("chronology", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
