import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from apcase.accounts.tests.factories import SchoolFactory, UserFactory
from apcase.chronology.models import AccessLogEntry, AppendOnlyError, AuditEvent
from apcase.chronology.services import changed_fields, log_access, record_event
from apcase.core.context import reset_current_ip, set_current_ip
from apcase.pupils.audit import PupilAction

pytestmark = pytest.mark.django_db


def _event(**overrides):
    user = overrides.pop("by", None) or UserFactory(full_name="Amara Okafor")
    school = overrides.pop("organisation", None) or SchoolFactory()
    with transaction.atomic():
        return record_event(
            by=user,
            action=PupilAction.CHANGED,
            target=("pupils.pupil", 42),
            organisation=school,
            pupil_id=42,
            changes={"preferred_name": ["Sam", "Sammy"]},
            **overrides,
        )


def test_an_event_records_who_for_which_organisation_what_and_from_where():
    user = UserFactory(full_name="Amara Okafor", email="amara@example.org")
    school = SchoolFactory(name="Heronsgate School")
    token = set_current_ip("192.0.2.10")
    try:
        event = _event(by=user, organisation=school)
    finally:
        reset_current_ip(token)
    event.refresh_from_db()
    assert event.actor_id == user.pk
    assert event.actor_label == "Amara Okafor <amara@example.org>"
    assert event.organisation_id == school.pk
    assert event.organisation_label == "Heronsgate School"
    assert (event.target_type, event.target_id, event.pupil_id) == ("pupils.pupil", "42", 42)
    assert event.changes == {"preferred_name": ["Sam", "Sammy"]}
    assert event.ip_address == "192.0.2.10"
    assert event.occurred_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_event_must_be_written_inside_the_changes_transaction():
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        record_event(by=None, action=PupilAction.CHANGED, target=("t", 1))


class ChangeFailed(Exception):
    pass


def _change_that_fails() -> None:
    with transaction.atomic():
        record_event(by=None, action=PupilAction.CREATED, target=("pupils.pupil", 1))
        raise ChangeFailed


def test_a_rolled_back_change_leaves_no_event():
    with pytest.raises(ChangeFailed):
        _change_that_fails()
    assert not AuditEvent.objects.exists()


def test_the_application_cannot_change_or_delete_an_event():
    event = _event()
    event.action = "something_else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "pupil.changed"


def test_the_database_refuses_an_update_beneath_the_application():
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE chronology_auditevent SET action = %s WHERE id = %s", ["rewritten", event.pk]
        )
    event.refresh_from_db()
    assert event.action == "pupil.changed"


def test_the_database_refuses_a_delete_beneath_the_application():
    # On SQLite and PostgreSQL alike (migrations 0002 and 0003).
    event = _event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM chronology_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_emptying_the_access_log_beneath_the_application():
    entry = log_access(
        by=UserFactory(), action="viewed_pupil", target=("pupils.pupil", 7), pupil_id=7
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM chronology_accesslogentry")
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_flush_between_transactional_tests_keeps_the_delete_trigger():
    # The flush may empty the tables (as TRUNCATE does on PostgreSQL) but the trigger
    # must be back afterwards, so the next test's database refuses DELETE again.
    from django.core.management import call_command

    log_access(by=None, action="viewed_pupil", target=("pupils.pupil", 7), pupil_id=7)
    call_command("flush", interactive=False, verbosity=0)
    assert not AccessLogEntry.objects.exists()
    entry = log_access(by=None, action="viewed_pupil", target=("pupils.pupil", 8), pupil_id=8)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM chronology_accesslogentry WHERE id = %s", [entry.pk])
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_the_access_log_is_append_only_too():
    entry = log_access(
        by=UserFactory(), action="viewed_pupil", target=("pupils.pupil", 7), pupil_id=7
    )
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE chronology_accesslogentry SET action = 'x' WHERE id = %s", [entry.pk]
        )


def test_changed_fields_lists_only_values_that_differ():
    school = SchoolFactory(name="Old name", postcode="MK1 1AA")
    assert changed_fields(school, {"name": "New name", "postcode": "MK1 1AA"}) == {
        "name": ["Old name", "New name"]
    }


def test_the_access_logs_triggers_survive_the_migration_that_rebuilt_its_table():
    # On SQLite, migration 0004 rebuilt the table; its triggers must have come back.
    entry = log_access(
        by=UserFactory(), action="viewed_pupil", target=("pupils.pupil", 7), pupil_id=7
    )
    for statement in (
        "UPDATE chronology_accesslogentry SET outcome = 'denied' WHERE id = %s",
        "DELETE FROM chronology_accesslogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.outcome == AccessLogEntry.Outcome.READ


def test_a_user_with_the_longest_name_and_address_can_still_be_audited(db):
    from django.db import transaction

    from apcase.accounts.tests.factories import UserFactory
    from apcase.chronology.models import AuditEvent
    from apcase.chronology.services import record_event
    from apcase.pupils.audit import PupilAction

    long_user = UserFactory(full_name="N" * 150, email=("a" * 64) + "@" + ("b" * 180) + ".example")
    with transaction.atomic():
        event = record_event(
            by=long_user, action=PupilAction.CHANGED, target=long_user, summary="x"
        )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_label.startswith("N" * 150)
    assert len(event.actor_label) == 300


def test_record_events_writes_many_events_as_record_event_would_in_a_few_statements(
    django_assert_max_num_queries,
):
    from apcase.chronology.services import Event, record_events

    user = UserFactory(full_name="Amara Okafor", email="amara@example.org")
    school = SchoolFactory(name="Heronsgate School")
    events = [
        Event(
            PupilAction.CHANGED,
            ("pupils.pupil", n),
            pupil_id=n,
            changes={"preferred_name": ["Sam", f"Sam {n}"]},
            summary=f"Changed {n}",
        )
        for n in range(1, 301)
    ]
    # One INSERT on PostgreSQL; SQLite takes at most 999 parameters a statement, so 4.
    with transaction.atomic(), django_assert_max_num_queries(4):
        record_events(by=user, organisation=school, events=events)
    stored = AuditEvent.objects.filter(action=PupilAction.CHANGED.value).order_by("pupil_id")
    assert stored.count() == 300
    last = stored.last()
    assert last is not None
    assert (last.actor_id, last.actor_label) == (user.pk, "Amara Okafor <amara@example.org>")
    assert (last.organisation_id, last.organisation_label) == (school.pk, "Heronsgate School")
    assert (last.target_type, last.target_id, last.pupil_id) == ("pupils.pupil", "300", 300)
    assert last.changes == {"preferred_name": ["Sam", "Sam 300"]}


@pytest.mark.django_db(transaction=True)
def test_record_events_keeps_record_events_rules_and_writes_nothing_when_one_breaks_them():
    from apcase.chronology.actions import UnregisteredAction
    from apcase.chronology.services import Event, record_events

    good = Event(PupilAction.CHANGED, ("pupils.pupil", 1), changes={"a": [1, 2]})
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        record_events(by=None, events=[good])
    for bad in (
        Event("pupil.changed", ("pupils.pupil", 2)),  # type: ignore[arg-type]
        Event(PupilAction.CHANGED, ("pupils.pupil", 2), changes={"a": "flat"}),  # type: ignore[dict-item]
    ):
        with pytest.raises((UnregisteredAction, ValueError)), transaction.atomic():
            record_events(by=None, events=[good, bad])
    assert not AuditEvent.objects.exists()
