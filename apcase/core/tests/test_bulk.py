"""core.bulk.insert_rows: many new rows written as given, inside the caller's
transaction, every column named (no model default fills a forgotten one in)."""

import pytest
from django.db import transaction

from apcase.chronology.models import AccessLogEntry
from apcase.core.bulk import insert_rows

pytestmark = pytest.mark.django_db

FIELDS = (
    "occurred_at", "actor_id", "actor_label", "organisation_id", "organisation_label",
    "action", "target_type", "target_id", "pupil_id", "ip_address", "outcome",
)  # fmt: skip


def _rows(count):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    now = timezone.now()
    return [
        (now, 1, "Amara", None, "", "read", "pupils.pupil", str(n), n, None, "read")
        for n in range(count)
    ]


def test_rows_are_written_as_given_and_counted():
    with transaction.atomic():
        assert insert_rows(AccessLogEntry, FIELDS, iter(_rows(4500))) == 4500
    assert AccessLogEntry.objects.count() == 4500
    last = AccessLogEntry.objects.get(pupil_id=4499)
    assert (last.actor_label, last.target_id, last.outcome) == ("Amara", "4499", "read")


def test_a_column_left_out_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="lacks"), transaction.atomic():
        insert_rows(AccessLogEntry, FIELDS[:-1], [row[:-1] for row in _rows(2)])
    assert not AccessLogEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_must_run_inside_the_changes_transaction():
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        insert_rows(AccessLogEntry, FIELDS, _rows(1))
    assert not AccessLogEntry.objects.exists()


def test_insert_values_writes_what_the_model_would_and_gives_the_new_ids(world):
    from datetime import date

    from apcase.core.bulk import insert_values
    from apcase.pupils.models import Carer, Pupil

    given = {
        "school_id": world.school.pk,
        "upn": "A826202626002",
        "legal_first_name": "Ada",
        "legal_last_name": "Okonjo",
        "date_of_birth": date(2015, 3, 27),
        "sex": "F",
        "nc_year": "5",
    }
    with transaction.atomic():
        (pupil_id,) = insert_values(Pupil, [given])
        (carer_id,) = insert_values(
            Carer, [{"pupil_id": pupil_id, "name": "Sam Okonjo", "relationship": "Father"}]
        )
    stored = Pupil.objects.get(pk=pupil_id)
    # Every field not given holds its default, as Pupil(**given).save() would write it.
    assert (stored.sen_status, stored.version, stored.looked_after) == ("N", 1, False)
    assert (stored.medical_needs, stored.admission_date) == ("", None)
    assert stored.created_at is not None
    assert stored.updated_at is not None
    carer = Carer.objects.get(pk=carer_id)
    assert (carer.pupil_id, carer.priority, carer.phone) == (pupil_id, 1, "")


def test_insert_values_refuses_a_name_that_is_no_field_before_writing(world):
    from apcase.core.bulk import insert_values
    from apcase.pupils.models import Carer

    with pytest.raises(TypeError, match="no field"), transaction.atomic():
        insert_values(Carer, [{"name": "Sam", "relationship": "Father", "nickname": "S"}])
    assert not Carer.objects.exists()
