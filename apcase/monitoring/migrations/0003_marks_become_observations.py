"""Marks entered before providers recorded observations become observations.

A provider's `/` and `L` were what it saw (present, late); its `N` and `O` mean it did
not know why the child was away; `I` and `M` were what it was told (illness, a medical
appointment). None of those was the home school's decision, so their code is cleared:
an absence waits in the school's queue, shown as N, until the school codes it. Any other
code is kept as the school's code, with no observation."""

from django.db import migrations

TO_OBSERVATION = {
    "/": "present",
    "L": "late",
    "N": "absent_no_reason",
    "O": "absent_no_reason",
    "I": "absent_illness",
    "M": "absent_medical",
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    mark = apps.get_model("monitoring", "AttendanceMark")
    for code, observed in TO_OBSERVATION.items():
        mark.objects.filter(code=code, observed="").update(observed=observed, code="")


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    mark = apps.get_model("monitoring", "AttendanceMark")
    back = {"present": "/", "late": "L", "left_early": "/", "absent_no_reason": "N"}
    back |= {"absent_illness": "I", "absent_medical": "M"}
    for observed, code in back.items():
        mark.objects.filter(observed=observed, code="").update(code=code)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_observed_and_school_code")]

    operations = [migrations.RunPython(forwards, backwards)]
