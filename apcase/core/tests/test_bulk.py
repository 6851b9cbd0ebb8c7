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


def test_insert_objects_names_each_new_row_so_the_next_can_point_at_it(world):
    from apcase.core.bulk import insert_objects
    from apcase.pupils.models import Carer
    from apcase.pupils.tests.factories import PupilFactory

    pupil = PupilFactory.build(school=world.school, upn="A826202626001")
    carer = Carer(pupil=pupil, name="Ada Okonjo", relationship="Mother")
    with transaction.atomic():
        insert_objects(type(pupil), [pupil])
        insert_objects(Carer, [carer])
    assert pupil.pk is not None
    assert carer.pk is not None
    stored = Carer.objects.select_related("pupil").get(pk=carer.pk)
    assert (stored.pupil.upn, stored.name) == ("A826202626001", "Ada Okonjo")
    assert stored.created_at is not None
