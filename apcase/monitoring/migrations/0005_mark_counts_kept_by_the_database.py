"""MarkCount: how many current marks of each placement say the same thing, kept by
triggers on monitoring_attendancemark in the same statement as every write of a mark
(PostgreSQL and SQLite alike), then filled from the marks already there. The table is
locked while that happens, so no mark is written between the count and the triggers."""

import django.db.models.deletion
from django.db import migrations, models

MARKS = "monitoring_attendancemark"
COUNTS = "monitoring_markcount"
KEY = "placement_id, observed, code"
ADD = (
    f"INSERT INTO {COUNTS} ({KEY}, n) VALUES (NEW.placement_id, NEW.observed, NEW.code, 1) "  # nosec B608 - table names are constants
    f"ON CONFLICT ({KEY}) DO UPDATE SET n = {COUNTS}.n + 1"
)
TAKE = (
    f"UPDATE {COUNTS} SET n = n - 1 WHERE placement_id = OLD.placement_id "  # nosec B608 - table names are constants
    "AND observed = OLD.observed AND code = OLD.code"
)
FILL = (
    f"INSERT INTO {COUNTS} ({KEY}, n) SELECT {KEY}, COUNT(*) FROM {MARKS} "  # nosec B608 - table names are constants
    f"WHERE is_current GROUP BY {KEY}"
)

POSTGRESQL = [
    f"LOCK TABLE {MARKS} IN SHARE ROW EXCLUSIVE MODE",
    f"""CREATE FUNCTION {COUNTS}_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.is_current THEN
        {TAKE};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.is_current THEN
        {ADD};
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    f"CREATE TRIGGER {COUNTS}_keep AFTER INSERT OR UPDATE OR DELETE ON {MARKS} "
    f"FOR EACH ROW EXECUTE FUNCTION {COUNTS}_keep()",
    FILL,
]
POSTGRESQL_UNDO = [
    f"DROP TRIGGER IF EXISTS {COUNTS}_keep ON {MARKS}",
    f"DROP FUNCTION IF EXISTS {COUNTS}_keep()",
]
SQLITE = [
    f"CREATE TRIGGER {COUNTS}_insert AFTER INSERT ON {MARKS} WHEN NEW.is_current BEGIN {ADD}; END",
    f"CREATE TRIGGER {COUNTS}_update_old AFTER UPDATE ON {MARKS} WHEN OLD.is_current "
    f"BEGIN {TAKE}; END",
    f"CREATE TRIGGER {COUNTS}_update_new AFTER UPDATE ON {MARKS} WHEN NEW.is_current "
    f"BEGIN {ADD}; END",
    f"CREATE TRIGGER {COUNTS}_delete AFTER DELETE ON {MARKS} WHEN OLD.is_current BEGIN {TAKE}; END",
    FILL,
]
SQLITE_UNDO = [
    f"DROP TRIGGER IF EXISTS {COUNTS}_{name}"
    for name in ("insert", "update_old", "update_new", "delete")
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_UNDO if vendor == "postgresql" else SQLITE_UNDO:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0004_indexes_for_scale"),
        ("placements", "0009_agreement_by_carer_and_provider_user"),
    ]

    operations = [
        migrations.CreateModel(
            name="MarkCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("observed", models.CharField(blank=True, max_length=20)),
                ("code", models.CharField(blank=True, max_length=2)),
                ("n", models.IntegerField(default=0)),
                (
                    "placement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="placements.placement",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("placement", "observed", "code"),
                        name="one_count_per_kind_of_mark",
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
