"""The starting list of concern categories (Keeping children safe in education's
categories of abuse and specific safeguarding issues). Rows, not code: a deployment may
add, rename or retire categories."""

from django.db import migrations

CATEGORIES = [
    ("physical", "Physical abuse"),
    ("emotional", "Emotional abuse"),
    ("sexual", "Sexual abuse"),
    ("neglect", "Neglect"),
    ("online", "Online safety"),
    ("exploitation", "Child criminal or sexual exploitation"),
    ("self-harm", "Self-harm"),
    ("missing", "Missing or absconding"),
    ("domestic-abuse", "Domestic abuse"),
    ("radicalisation", "Radicalisation"),
    ("other", "Other"),
]


def add(apps, schema_editor):  # type: ignore[no-untyped-def]
    ConcernCategory = apps.get_model("safeguarding", "ConcernCategory")
    for rank, (code, label) in enumerate(CATEGORIES):
        ConcernCategory.objects.update_or_create(code=code, defaults={"label": label, "rank": rank})


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("safeguarding", "ConcernCategory").objects.filter(
        code__in=[code for code, _ in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
