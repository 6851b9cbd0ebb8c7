"""Refuse UPDATE and DELETE on the audit tables inside the database, beneath the ORM.

PostgreSQL: a trigger raises for every UPDATE or DELETE row. (TRUNCATE is left to the
database owner, which test teardown needs; the application's production role should be
granted INSERT and SELECT only on these tables — see docs/deployment.md.)
SQLite: a trigger raises on UPDATE. DELETE is left to the application-level guards,
because the test runner empties tables with DELETE between browser tests."""

from django.db import migrations

TABLES = ["chronology_auditevent", "chronology_accesslogentry"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION apcase_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'apcase audit records are append-only (% refused on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION apcase_refuse_audit_change();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'apcase audit records are append-only'); END;"
            )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS apcase_refuse_audit_change();")


class Migration(migrations.Migration):
    dependencies = [("chronology", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
