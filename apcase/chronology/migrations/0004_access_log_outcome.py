"""The access log records refused attempts too (outcome "denied").

On SQLite, adding a NOT NULL column rebuilds the table, and the rebuilt table has none
of the append-only triggers of 0002 and 0003: they are created again here. PostgreSQL
adds the column in place and keeps its trigger."""

from django.db import migrations, models

TABLE = "chronology_accesslogentry"


def recreate_sqlite_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, event in (("append_only", "UPDATE"), ("append_only_delete", "DELETE")):
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_{name} BEFORE {event} ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'apcase audit records are append-only'); END;"
        )


class Migration(migrations.Migration):
    dependencies = [("chronology", "0003_sqlite_refuses_delete")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="outcome",
            field=models.CharField(
                choices=[("read", "Read"), ("denied", "Denied")], default="read", max_length=10
            ),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
