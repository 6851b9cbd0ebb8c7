"""The index of open follow-ups by placement holds only the open attendance alerts
(unexplained absence, register missing), the rows the compliance board reads for its
placements: the planner took the index of a person's open follow-ups for that read, then
read the table for each row's kind; this one answers it alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_mark_counts_kept_by_the_database"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="followuptask",
            name="open_follow_ups_by_placement",
        ),
        migrations.AddIndex(
            model_name="followuptask",
            index=models.Index(
                condition=models.Q(
                    ("kind__in", ["absence", "register_missing"]), ("status", "open")
                ),
                fields=["placement", "date"],
                name="open_follow_ups_by_placement",
            ),
        ),
    ]
