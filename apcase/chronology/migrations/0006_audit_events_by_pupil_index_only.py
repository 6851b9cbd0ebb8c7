from django.db import migrations, models

# The index Django made for AuditEvent.pupil_id (db_index=True): the same name on every
# database, as Django derives it from the table and column.
PUPIL_ID_INDEX = "chronology_auditevent_pupil_id_0407a02a"


class Migration(migrations.Migration):
    """A pupil's events are found by audit_events_by_pupil_time (pupil first); the index
    on pupil_id alone is dropped. Dropped by name rather than by AlterField, which on
    SQLite rebuilds the table and would lose its append-only triggers (0002, 0003)."""

    dependencies = [
        ("chronology", "0005_indexes_for_scale"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="pupil_id",
                    field=models.BigIntegerField(blank=True, null=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{PUPIL_ID_INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX "{PUPIL_ID_INDEX}" ON "chronology_auditevent" ("pupil_id")'
                    ),
                ),
            ],
        ),
    ]
