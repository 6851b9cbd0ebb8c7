"""The starting list of concern categories (apcase.safeguarding.categories)."""

from django.db import migrations

from apcase.safeguarding.categories import DEFAULT_CATEGORIES, ensure_default_categories


def add(apps, schema_editor):  # type: ignore[no-untyped-def]
    ensure_default_categories(apps.get_model("safeguarding", "ConcernCategory"))


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("safeguarding", "ConcernCategory").objects.filter(
        code__in=[code for code, _ in DEFAULT_CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
