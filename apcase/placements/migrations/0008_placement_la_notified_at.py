from django.db import migrations, models


def from_emergency_notices(apps, schema_editor):  # type: ignore[no-untyped-def]
    """An emergency placement the school arranged before this field existed: the LA's
    officers were told by the emergency route's notice, sent as the emergency was
    recorded."""
    emergency_placement = apps.get_model("referrals", "EmergencyPlacement")
    placement = apps.get_model("placements", "Placement")
    for placement_id, created_at in emergency_placement.objects.filter(
        placement__arranged_by="school", placement__la_notified_at__isnull=True
    ).values_list("placement_id", "created_at"):
        placement.objects.filter(pk=placement_id).update(la_notified_at=created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0007_destinations_managed_move_other"),
        ("referrals", "0003_emergencyplacement_parents_told_at_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="placement",
            name="la_notified_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="When the local authority was told"
            ),
        ),
        migrations.RunPython(from_emergency_notices, migrations.RunPython.noop),
    ]
