"""The bulk import of a provider's attendance marks (mark_import, import_register_marks):
every row checked as the register page checks a mark, all or nothing, a few queries
whatever the file's length, one audit event a placement."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.monitoring import mark_import, selectors
from apcase.monitoring.models import AttendanceMark, FollowUpTask
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import person

REASON = "Kept in our own register system until this term"
# Ten weeks of weekdays from the placements' start; the import runs after all of them.
DAYS = [
    START + datetime.timedelta(days=n)
    for n in range(70)
    if (START + datetime.timedelta(n)).weekday() < 5
]
NOW = timezone.make_aware(datetime.datetime.combine(DAYS[-1], datetime.time(18, 0)))


@pytest.fixture
def provider_staff(world):
    return person(Role.PROVIDER_STAFF, world.provider)


@pytest.fixture
def placements(world):
    return [make_placement(world.school, world.provider) for _ in range(3)]


def _csv(rows, header="UPN,Date,Session,Mark,Minutes Late"):  # type: ignore[no-untyped-def]
    return ("\r\n".join([header, *(",".join(r) for r in rows)]) + "\r\n").encode()


def _rows(placements, days=DAYS, mark="/"):  # type: ignore[no-untyped-def]
    return [
        [p.pupil.upn, f"{day:%d/%m/%Y}", session.upper(), mark, ""]
        for day in days
        for session in ("am", "pm")
        for p in placements
    ]


def _import(by, provider, content, **kwargs):  # type: ignore[no-untyped-def]
    return mark_import.import_marks(
        by=by, provider=provider, content=content, reason=REASON, now=NOW, **kwargs
    )


def _nothing_written() -> bool:
    return (
        not AttendanceMark.objects.exists()
        and not AuditEvent.objects.filter(action="marks_imported").exists()
    )


def test_hundreds_of_marks_are_imported_in_a_few_queries_with_one_event_a_placement(
    world, placements, provider_staff
):
    rows = _rows(placements)
    assert len(rows) == 300
    with CaptureQueriesContext(connection) as queries:
        result = _import(provider_staff, world.provider, _csv(rows))
    assert (result.marks, result.placements, result.follow_ups) == (300, 3, 0)
    # Before there was no import: 300 marks were 300 registers' worth of round trips.
    assert len(queries) <= 20
    first = placements[0]
    marks = AttendanceMark.objects.filter(placement=first)
    assert marks.count() == 100
    mark = marks.get(date=DAYS[-1], session="pm")
    assert (mark.observed, mark.is_current, mark.reason) == ("present", True, REASON)
    assert mark.is_late  # entered after the register closed
    assert (mark.recorded_by, mark.recorded_at, mark.pupil_id) == (
        provider_staff,
        NOW,
        first.pupil_id,
    )
    events = AuditEvent.objects.filter(action="marks_imported")
    assert events.count() == 4  # one for each placement, one for the import
    event = events.get(pupil_id=first.pupil_id)
    assert event.target_id == str(first.pk)
    assert event.changes == {
        "marks": [None, 100],
        "first_day": [None, str(DAYS[0])],
        "last_day": [None, str(DAYS[-1])],
    }
    assert (event.actor_id, event.organisation_id) == (provider_staff.pk, world.provider.pk)
    whole = events.get(pupil_id=None)
    assert whole.changes == {"marks": [None, 300], "placements": [None, 3]}


def test_a_bad_last_row_refuses_the_whole_file_and_names_its_line(
    world, placements, provider_staff
):
    rows = _rows(placements)
    rows[-1][3] = "B"  # a statutory code: only the home school gives one
    with pytest.raises(mark_import.MarkImportFailed) as refused:
        _import(provider_staff, world.provider, _csv(rows))
    assert [(p.line, p.column) for p in refused.value.problems] == [(301, "Mark")]
    assert "Only the home school gives an attendance code" in refused.value.problems[0].message
    assert str(refused.value) == "The file has 1 problem. Nothing has been imported."
    assert _nothing_written()


def test_every_row_is_checked_as_the_register_page_checks_a_mark(world, placements, provider_staff):
    other = make_placement(world.other_school, world.other_provider)
    monday_only = make_placement(world.school, world.provider, sessions={(0, "am")})
    tomorrow = timezone.localdate(NOW) + datetime.timedelta(days=1)
    upn = placements[0].pupil.upn
    rows = [
        [upn, "07/09/2026", "AM", "L", ""],  # line 2: late with no minutes
        [upn, "07/09/2026", "Lunch", "/", ""],  # 3
        [upn, "31/09/2026", "AM", "/", ""],  # 4
        [other.pupil.upn, "07/09/2026", "AM", "/", ""],  # 5: another provider's pupil
        [monday_only.pupil.upn, "08/09/2026", "AM", "/", ""],  # 6: a Tuesday
        [upn, f"{tomorrow:%d/%m/%Y}", "AM", "/", ""],  # 7
        [upn, "08/09/2026", "PM", "present", ""],  # 8: good
        [upn, "2026-09-08", "pm", "absent_illness", ""],  # 9: line 8's session again
        [upn, "09/09/2026", "AM", "/", "10"],  # 10: minutes for a present mark
    ]
    with pytest.raises(mark_import.MarkImportFailed) as refused:
        _import(provider_staff, world.provider, _csv(rows))
    found = {(p.line, p.column): p.message for p in refused.value.problems}
    assert set(found) == {
        (2, "Minutes Late"),
        (3, "Session"),
        (4, "Date"),
        (5, "UPN"),
        (6, "UPN"),
        (7, "Date"),
        (9, "Date"),
        (10, "Minutes Late"),
    }
    assert found[5, "UPN"] == "No pupil with this UPN is placed with you."
    assert "not expected at" in found[6, "UPN"]
    assert found[9, "Date"] == "This pupil's session is already on line 8."
    assert found[7, "Date"] == "A register cannot be taken for a day that has not come yet."
    assert _nothing_written()


def test_a_session_already_marked_is_refused_the_import_only_adds(
    world, placements, provider_staff
):
    _import(provider_staff, world.provider, _csv(_rows(placements, days=DAYS[:1])))
    before = AttendanceMark.objects.count()
    with pytest.raises(mark_import.MarkImportFailed) as refused:
        _import(provider_staff, world.provider, _csv(_rows(placements, days=DAYS[:2])))
    assert len(refused.value.problems) == 6
    assert refused.value.problems[0].message.endswith("correct it on the register.")
    assert AttendanceMark.objects.count() == before


def test_only_the_providers_own_staff_import_and_a_refusal_changes_nothing(
    world, placements, user_with_role
):
    content = _csv(_rows(placements, days=DAYS[:1]))
    for user in (
        user_with_role(Role.PROVIDER_STAFF, organisation=world.other_provider),
        user_with_role(Role.SCHOOL_ADMIN),
        user_with_role(Role.LA_OFFICER),
    ):
        with pytest.raises(NotPermitted):
            _import(user, world.provider, content)
    assert _nothing_written()


def test_marks_need_a_reason_since_their_registers_have_closed(world, placements, provider_staff):
    with pytest.raises(ValidationFailed, match="Enter why these marks are imported"):
        mark_import.import_marks(
            by=provider_staff,
            provider=world.provider,
            content=_csv(_rows(placements, days=DAYS[:1])),
            reason="  ",
            now=NOW,
        )
    assert _nothing_written()


def test_a_recent_absence_with_no_reason_raises_the_registers_follow_up(
    world, placements, provider_staff, settings
):
    settings.APCASE_REGISTER_LOOKBACK_DAYS = 3
    old, recent = _rows(placements[:1], days=[DAYS[0], DAYS[-1]], mark="N")[::2]
    result = _import(provider_staff, world.provider, _csv([old, recent]))
    assert result.follow_ups == 1
    task = FollowUpTask.objects.get()
    assert (task.kind, task.date, task.placement_id) == ("absence", DAYS[-1], placements[0].pk)


def test_expected_sessions_answers_as_expected_on_does(world):
    """The import asks ExpectedSessions for each row; it must say what expected_on says."""
    made = [
        make_placement(world.school, world.provider),
        make_placement(world.school, world.provider, sessions={(0, "am"), (2, "pm")}),
        make_placement(world.school, world.provider, sessions=set()),
        make_placement(world.school, world.provider, sessions={(1, "am")}, is_emergency=True),
        make_placement(world.school, world.provider, status=Placement.Status.PLANNED),
        make_placement(
            world.school,
            world.provider,
            status=Placement.Status.ENDED,
            started_at=NOW - datetime.timedelta(days=60),
            ended_on=START + datetime.timedelta(days=3),
        ),
        make_placement(world.school, world.provider, start_date=START + datetime.timedelta(days=2)),
    ]
    placements = Placement.objects.filter(provider=world.provider)
    expected = selectors.ExpectedSessions.of(placements)
    for offset in range(-1, 13):
        day = START + datetime.timedelta(days=offset)
        for session in ("am", "pm"):
            by_sql = set(
                selectors.expected_placements([world.provider.pk], day, session).values_list(
                    "pk", flat=True
                )
            )
            by_python = {p.pk for p in placements if expected(p, day, session)}
            assert by_python == by_sql, (day, session)
    assert len(made) == 7


def test_the_command_imports_in_a_named_users_name_or_lists_the_problems(
    world, placements, provider_staff, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    path = tmp_path / "marks.csv"
    rows = _rows(placements, days=DAYS[:2])
    path.write_bytes(_csv([*rows[:-1], [rows[-1][0], "someday", "AM", "/", ""]]))
    args = [str(path), f"--provider={world.provider.pk}", f"--by={provider_staff.email}"]
    with pytest.raises(CommandError, match="Nothing has been imported"):
        call_command("import_register_marks", *args, f"--reason={REASON}")
    assert _nothing_written()
    path.write_bytes(_csv(rows))
    out = io.StringIO()
    call_command("import_register_marks", *args, f"--reason={REASON}", stdout=out)
    assert AttendanceMark.objects.count() == 12
    assert out.getvalue().startswith(f"{world.provider}: 12 marks imported for ")


def _while_checking(monkeypatch, change):  # type: ignore[no-untyped-def]
    """Make `change` happen after the file is checked and before it is written (a file
    of a million rows takes minutes to check)."""
    check = mark_import._Checker.check

    def check_then_change(self, text):  # type: ignore[no-untyped-def]
        rows = check(self, text)
        change()
        return rows

    monkeypatch.setattr(mark_import._Checker, "check", check_then_change)


def test_a_membership_ended_while_the_file_was_checked_writes_nothing(
    world, placements, provider_staff, monkeypatch
):
    _while_checking(
        monkeypatch,
        lambda: Membership.objects.filter(user=provider_staff).update(is_active=False),
    )
    with pytest.raises(NotPermitted):
        _import(provider_staff, world.provider, _csv(_rows(placements, days=DAYS[:2])))
    assert _nothing_written()


def test_a_placement_ended_while_the_file_was_checked_writes_nothing(
    world, placements, provider_staff, monkeypatch
):
    ended = placements[1]
    # Its last day was the first of the file's: the later rows are no longer expected.
    _while_checking(
        monkeypatch,
        lambda: Placement.objects.filter(pk=ended.pk).update(
            status=Placement.Status.ENDED, ended_on=DAYS[0]
        ),
    )
    with pytest.raises(mark_import.MarkImportFailed) as refused:
        _import(provider_staff, world.provider, _csv(_rows(placements, days=DAYS[:2])))
    assert "Nothing has been imported" in str(refused.value)
    assert refused.value.problems[0].message.startswith("This pupil is not expected")
    assert _nothing_written()
