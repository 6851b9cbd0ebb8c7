"""Placements recorded their site as free text before they named directory sites: match
each name to the provider's directory site of the same name. A name that matches no
site is left as it was, and the placement page and home page say that no site is
recorded until someone chooses one."""

from django.db import migrations


def name_sites(apps, schema_editor):  # type: ignore[no-untyped-def]
    Placement = apps.get_model("placements", "Placement")
    Site = apps.get_model("directory", "Site")
    for placement in Placement.objects.exclude(site="").filter(sites__isnull=True):
        names = {name.strip().lower() for name in placement.site.split(",") if name.strip()}
        matches = [
            site
            for site in Site.objects.filter(organisation_id=placement.provider_id)
            if site.name.strip().lower() in names
        ]
        if matches:
            placement.sites.set(matches)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0004_placement_alert"),
        ("directory", "0001_initial"),
    ]

    operations = [migrations.RunPython(name_sites, migrations.RunPython.noop)]
