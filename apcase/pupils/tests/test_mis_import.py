import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from apcase.accounts.models import Membership
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted
from apcase.directory import gias
from apcase.pupils import mis_import
from apcase.pupils.models import Carer, Pupil
from apcase.pupils.tests.factories import PupilFactory
from apcase.pupils.upn import with_check_letter
from conftest import Role
from tests.helpers import assert_page

UPN_1 = with_check_letter("826202626001")
UPN_2 = with_check_letter("826202626002")
UPN_TEMP = with_check_letter("82620262600T")

HEADER = [
    "UPN", "Legal Surname", "Legal Forename", "Preferred Forename", "DOB", "Gender",
    "NC Year Actual", "Admission Date", "SEN Provision", "In LA Care", "FSM Eligible",
    "First Language", "Contact 1 Name", "Contact 1 Relationship",
    "Contact 1 Parental Responsibility", "Contact 1 Lives With Pupil", "Contact 1 Telephone",
    "Contact 1 Restriction", "Contact 2 Name", "Contact 2 Relationship",
]  # fmt: skip


def row(**overrides):  # type: ignore[no-untyped-def]
    values = {
        "UPN": UPN_1,
        "Legal Surname": "Okonjo",
        "Legal Forename": "Tayo",
        "Preferred Forename": "",
        "DOB": "27/03/2016",
        "Gender": "M",
        "NC Year Actual": "5",
        "Admission Date": "01/09/2020",
        "SEN Provision": "K",
        "In LA Care": "N",
        "FSM Eligible": "Y",
        "First Language": "English",
        "Contact 1 Name": "Ada Okonjo",
        "Contact 1 Relationship": "Mother",
        "Contact 1 Parental Responsibility": "Yes",
        "Contact 1 Lives With Pupil": "Yes",
        "Contact 1 Telephone": "07700 900123",
        "Contact 1 Restriction": "",
        "Contact 2 Name": "",
        "Contact 2 Relationship": "",
    }
    values.update(overrides)
    return values


def csv_bytes(rows, header=HEADER):  # type: ignore[no-untyped-def]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def admin(user_with_role):
    return user_with_role(Role.SCHOOL_ADMIN)


def snapshot():  # type: ignore[no-untyped-def]
    return (
        sorted(Pupil.objects.values_list("upn", "legal_last_name", "version")),
        sorted(Carer.objects.values_list("name", "phone")),
        AuditEvent.objects.count(),
    )


def test_a_good_file_adds_pupils_and_their_carers(world, admin):
    content = csv_bytes(
        [
            row(),
            row(
                UPN=UPN_2,
                **{
                    "Legal Forename": "Mia",
                    "Contact 1 Name": "Sol Okonjo",
                    "Contact 1 Restriction": "No contact: court order",
                },
            ),
        ]
    )
    result = mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert (result.created, result.updated, result.carers_added) == (2, 0, 2)
    tayo = Pupil.objects.get(upn=UPN_1)
    assert tayo.school == world.school
    assert tayo.date_of_birth == date(2016, 3, 27)
    assert tayo.sen_status == "K"
    assert tayo.free_school_meals
    assert not tayo.looked_after
    ada = tayo.carers.get()
    assert ada.parental_responsibility
    assert ada.lives_with_pupil
    assert Pupil.objects.get(upn=UPN_2).carers.get().restriction == "No contact: court order"
    assert AuditEvent.objects.filter(action="pupil.created", pupil_id=tayo.pk).exists()
    assert AuditEvent.objects.filter(action="carer.added", pupil_id=tayo.pk).exists()


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world, admin):
    content = csv_bytes([row()])
    mis_import.import_pupils(by=admin, school=world.school, content=content)
    before = snapshot()
    result = mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert snapshot()[:2] == before[:2]
    # Only the import itself is recorded, no pupil or carer change.
    assert AuditEvent.objects.count() == before[2] + 1


def test_an_existing_pupil_is_updated_by_upn_and_carers_matched_by_name(world, admin):
    mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes([row()]))
    changed = row(**{"NC Year Actual": "6", "Contact 1 Telephone": "07700 900999"})
    result = mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes([changed]))
    assert (result.created, result.updated, result.carers_updated) == (0, 1, 1)
    pupil = Pupil.objects.get(upn=UPN_1)
    assert pupil.nc_year == "6"
    assert pupil.carers.get().phone == "07700 900999"


def test_a_temporary_upn_is_accepted(world, admin):
    mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes([row(UPN=UPN_TEMP)]))
    assert Pupil.objects.get(upn=UPN_TEMP).has_temporary_upn


def test_a_bad_date_refuses_the_whole_file_and_names_the_line(world, admin):
    before = snapshot()
    content = csv_bytes([row(), row(UPN=UPN_2, DOB="31/02/2016")])
    with pytest.raises(mis_import.ImportFailed) as failed:
        mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert [(p.line, p.column) for p in failed.value.problems] == [(3, "DOB")]
    assert "not a date" in failed.value.problems[0].message
    assert snapshot() == before


def test_a_duplicate_upn_in_the_file_refuses_the_whole_file(world, admin):
    before = snapshot()
    content = csv_bytes([row(), row(**{"Legal Forename": "Other"})])
    with pytest.raises(mis_import.ImportFailed) as failed:
        mis_import.import_pupils(by=admin, school=world.school, content=content)
    (problem,) = failed.value.problems
    assert (problem.line, problem.column) == (3, "UPN")
    assert "already on line 2" in problem.message
    assert snapshot() == before


def test_a_missing_required_column_refuses_the_whole_file(world, admin):
    before = snapshot()
    header = [h for h in HEADER if h != "DOB"]
    with pytest.raises(mis_import.ImportFailed) as failed:
        mis_import.import_pupils(
            by=admin, school=world.school, content=csv_bytes([row()], header=header)
        )
    (problem,) = failed.value.problems
    assert (problem.line, problem.column) == (1, "DOB")
    assert "missing" in problem.message
    assert snapshot() == before


def test_every_problem_in_the_file_is_listed_at_once(world, admin):
    content = csv_bytes(
        [
            row(UPN="A801200005001"),  # wrong check letter
            row(UPN=UPN_2, Gender="Q", **{"Contact 1 Relationship": ""}),
        ]
    )
    with pytest.raises(mis_import.ImportFailed) as failed:
        mis_import.import_pupils(by=admin, school=world.school, content=content)
    found = {(p.line, p.column) for p in failed.value.problems}
    assert found == {(2, "UPN"), (3, "Gender"), (3, "Contact 1 Relationship")}


def test_a_upn_on_another_schools_roll_is_refused(world, admin):
    PupilFactory(school=world.other_school, upn=UPN_1)
    before = snapshot()
    with pytest.raises(mis_import.ImportFailed) as failed:
        mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes([row()]))
    assert "This UPN cannot be used" in failed.value.problems[0].message
    assert "another school" not in failed.value.problems[0].message
    # No pupil or carer changed; the only new record is the audited refusal.
    assert snapshot()[:2] == before[:2]
    assert snapshot()[2] == before[2] + 1
    assert AuditEvent.objects.filter(action="pupil.upn_in_use_refused").count() == 1
    assert Pupil.objects.get(upn=UPN_1).school == world.other_school


def test_a_failure_while_applying_leaves_the_database_unchanged(world, admin, monkeypatch):
    before = snapshot()
    calls = {"n": 0}
    real = mis_import._apply_row

    def fail_on_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(mis_import, "_apply_row", fail_on_second)
    with pytest.raises(RuntimeError):
        mis_import.import_pupils(
            by=admin, school=world.school, content=csv_bytes([row(), row(UPN=UPN_2)])
        )
    assert snapshot() == before


def test_a_pupil_moved_to_another_school_while_the_file_was_checked_is_not_overwritten(
    world, admin, monkeypatch
):
    """The file names a pupil on this school's roll when it is checked; by the time it
    is applied the pupil is on another school's roll. That school's record of the
    pupil is not this file's to change."""
    mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes([row()]))
    real_parse = mis_import.parse

    def parse_then_move(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = real_parse(*args, **kwargs)
        Pupil.objects.filter(upn=UPN_1).update(school=world.other_school)
        return rows

    monkeypatch.setattr(mis_import, "parse", parse_then_move)
    before = snapshot()
    changed = row(**{"Legal Surname": "Renamed", "Contact 1 Telephone": "07700 900999"})
    with pytest.raises(mis_import.ImportFailed) as failed:
        mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes([changed]))
    assert "The pupils changed while the file was imported" in failed.value.problems[0].message
    assert snapshot() == before
    pupil = Pupil.objects.get(upn=UPN_1)
    assert (pupil.school, pupil.legal_last_name) == (world.other_school, "Okonjo")


def test_an_importer_whose_membership_ended_while_the_file_was_checked_imports_nothing(
    world, admin, monkeypatch
):
    real_parse = mis_import.parse

    def parse_then_end_membership(*args, **kwargs):  # type: ignore[no-untyped-def]
        rows = real_parse(*args, **kwargs)
        Membership.objects.filter(user=admin).update(is_active=False)
        return rows

    monkeypatch.setattr(mis_import, "parse", parse_then_end_membership)
    before = snapshot()
    with pytest.raises(NotPermitted):
        mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes([row()]))
    assert snapshot() == before


def test_formula_like_cells_are_stored_as_written_and_exported_quoted(world, admin, client_for):
    content = csv_bytes([row(**{"Legal Surname": '=HYPERLINK("http://x.example")'})])
    mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert Pupil.objects.get(upn=UPN_1).legal_last_name.startswith("=HYPERLINK")
    response = client_for(Role.SCHOOL_STAFF).get("/pupils/export.csv")
    exported = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert exported[1][1] == '\'=HYPERLINK("http://x.example")'


def test_a_windows_1252_file_from_an_older_mis_is_read(world, admin):
    content = csv_bytes([row(**{"Legal Forename": "Zoë"})]).decode().encode("cp1252")
    mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert Pupil.objects.get(upn=UPN_1).legal_first_name == "Zoë"


def test_school_staff_and_other_schools_cannot_import(world, user_with_role):
    for user in (
        user_with_role(Role.SCHOOL_STAFF),
        user_with_role(Role.SCHOOL_ADMIN, organisation=world.other_school),
    ):
        with pytest.raises(NotPermitted):
            mis_import.import_pupils(by=user, school=world.school, content=csv_bytes([row()]))
    assert not Pupil.objects.exists()


def test_the_management_command_imports_in_a_named_users_name(world, admin, tmp_path):
    world.school.urn = 110001
    world.school.save()
    path = tmp_path / "pupils.csv"
    path.write_bytes(csv_bytes([row()]))
    out = io.StringIO()
    call_command("import_pupils", str(path), school_urn=110001, by=admin.email, stdout=out)
    assert AuditEvent.objects.get(action="pupil.created").actor_id == admin.pk
    assert out.getvalue().startswith(f"{world.school}: 1 added, 0 updated, 0 unchanged;")


def test_the_management_command_reports_problems_and_changes_nothing(world, admin, tmp_path):
    world.school.urn = 110001
    world.school.save()
    path = tmp_path / "pupils.csv"
    path.write_bytes(csv_bytes([row(DOB="yesterday")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing has been imported"):
        call_command("import_pupils", str(path), school_urn=110001, by=admin.email, stderr=err)
    assert "line 2 [DOB]" in err.getvalue()
    assert not Pupil.objects.exists()


# --- bad files get a message, never an error page (issue 9) -------------------------


def _post_file(client, content):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("pupils.csv", content, "text/csv")
    return client.post("/pupils/import/", {"file": upload})


def test_a_utf16_file_with_a_byte_order_mark_is_read(world, admin, client_for):
    """Excel's "Unicode text" is UTF-16: it gave an error page (a CSV error)."""
    content = csv_bytes([row(**{"Legal Forename": "Zoë"})]).decode().encode("utf-16")
    response = _post_file(client_for(Role.SCHOOL_ADMIN), content)
    assert response.status_code == 302
    assert Pupil.objects.get(upn=UPN_1).legal_first_name == "Zoë"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(csv_bytes([row()]).decode().encode("utf-16-le"), id="utf-16-without-bom"),
        pytest.param(csv_bytes([row(**{"Legal Surname": "Oko\x00njo"})]), id="nul-in-a-name"),
        pytest.param(csv_bytes([row(**{"Contact 1 Name": "Ada\x00"})]), id="nul-in-a-carer"),
    ],
)
def test_nul_characters_are_refused_with_a_message_and_change_nothing(world, client_for, content):
    """PostgreSQL refuses a NUL in text: the import gave an error page there, and on
    SQLite stored it. A UTF-16 file without a byte-order mark is full of NULs."""
    PupilFactory(school=world.school, upn=UPN_2)
    before = snapshot()
    response = _post_file(client_for(Role.SCHOOL_ADMIN), content)
    page = assert_page(response)
    assert "Nothing has been imported" in page
    assert "NUL characters" in page
    assert "Save it as CSV UTF-8" in page
    assert snapshot() == before


def test_a_128_kb_cell_is_refused_by_line_and_changes_nothing(world, client_for):
    before = snapshot()
    client = client_for(Role.SCHOOL_ADMIN)
    for overrides, wanted in (
        ({"Legal Surname": "x" * (128 * 1024)}, "it can hold at most 100"),
        ({"Contact 1 Restriction": "x" * (128 * 1024 + 1)}, "longer than 10,000 characters"),
        ({"Contact 1 Name": "é" * 151}, "it can hold at most 150"),
    ):
        response = _post_file(client, csv_bytes([row(**overrides)]))
        page = assert_page(response)
        assert "Nothing has been imported" in page
        assert wanted in page
    assert snapshot() == before


def test_problems_name_the_line_and_column_of_an_overlong_cell(world, admin):
    content = csv_bytes([row(), row(UPN=UPN_2, **{"First Language": "y" * 61})])
    with pytest.raises(mis_import.ImportFailed) as error:
        mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert [(p.line, p.column) for p in error.value.problems] == [(3, "First Language")]
    with pytest.raises(mis_import.ImportFailed) as error:
        mis_import.import_pupils(
            by=admin,
            school=world.school,
            content=csv_bytes([row(), row(**{"Contact 1 Restriction": "z" * 140_000})]),
        )
    assert [(p.line, p.message) for p in error.value.problems] == [
        (3, "A cell is longer than 10,000 characters.")
    ]


def test_a_byte_that_is_neither_utf8_nor_windows_1252_is_refused_as_the_gias_import_does(
    world, admin, client_for
):
    """It was silently replaced by "?" and the pupil stored with a garbled name; now the
    MIS import refuses the file with its line, in the words the GIAS import uses."""
    content = csv_bytes([row(), row(UPN=UPN_2, **{"Legal Forename": "Zo\x81"})])
    content = content.decode().replace("\x81", "").encode("cp1252")
    content = content.replace(b"Zo", b"Zo\x81", 1)
    response = _post_file(client_for(Role.SCHOOL_ADMIN), content)
    page = assert_page(response)
    assert "Nothing has been imported" in page
    assert "line 3 has a byte (0x81)" in page
    assert not Pupil.objects.exists()
    with pytest.raises(gias.GiasFileError, match=r"line 3 has a byte \(0x81\)"):
        gias.decode(content)


def test_looked_after_from_the_mis_is_a_child_protection_event_the_dsl_alone_sees(world, admin):
    mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes([row()]))
    tayo = Pupil.objects.get(upn=UPN_1)
    assert not AuditEvent.objects.filter(action="pupil.child_protection_changed").exists()

    content = csv_bytes([row(**{"In LA Care": "Y"})])
    result = mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert result.updated == 1
    tayo.refresh_from_db()
    assert tayo.looked_after
    event = AuditEvent.objects.get(action="pupil.child_protection_changed", pupil_id=tayo.pk)
    assert event.changes == {"looked_after": [False, True]}
    # Nothing about it in the events every school role reads.
    for seen in AuditEvent.objects.filter(pupil_id=tayo.pk).exclude(pk=event.pk):
        assert "looked_after" not in (seen.changes or {})


def _many(count, **overrides):  # type: ignore[no-untyped-def]
    return [
        row(
            UPN=with_check_letter(f"82620262{n:04d}"),
            **{"Legal Forename": f"Pupil {n}", "Contact 1 Name": f"Carer {n}"},
            **overrides,
        )
        for n in range(1, count + 1)
    ]


def test_a_file_of_hundreds_of_pupils_is_imported_in_a_few_queries_not_a_few_per_pupil(
    world, admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The writes go in batches: one INSERT per 1,000 rows on PostgreSQL; SQLite takes at
    # most 999 parameters a statement, so a few more there. Before, ~8 queries a pupil.
    content = csv_bytes(_many(400))
    with CaptureQueriesContext(connection) as first:
        result = mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert (result.created, result.carers_added) == (400, 400)
    assert len(first) <= 35
    pupils = {p.upn: p for p in Pupil.objects.filter(school=world.school)}
    assert len(pupils) == 400
    last = pupils[with_check_letter("826202620400")]
    assert (last.legal_first_name, last.version) == ("Pupil 400", 1)
    assert last.carers.get().name == "Carer 400"
    created = AuditEvent.objects.filter(action="pupil.created", pupil_id=last.pk).get()
    assert created.target_id == str(last.pk)
    assert (created.organisation_id, created.actor_id) == (world.school.pk, admin.pk)
    assert AuditEvent.objects.filter(action="pupil.created").count() == 400
    assert AuditEvent.objects.filter(action="carer.added").count() == 400

    changed = _many(400, **{"NC Year Actual": "6", "Contact 1 Telephone": "07700 900999"})
    with CaptureQueriesContext(connection) as again:
        result = mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes(changed))
    assert (result.updated, result.carers_updated) == (400, 400)
    assert len(again) <= 35
    last.refresh_from_db()
    assert (last.nc_year, last.version) == ("6", 2)
    assert last.updated_at > last.created_at
    assert last.carers.get().phone == "07700 900999"
    change = AuditEvent.objects.get(action="pupil.changed", pupil_id=last.pk)
    assert change.changes == {"nc_year": ["5", "6"]}
    assert AuditEvent.objects.filter(action="carer.changed").count() == 400


def test_a_bad_last_row_of_hundreds_refuses_the_whole_file(world, admin):
    mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes(_many(10)))
    before = snapshot()
    rows = _many(300, **{"NC Year Actual": "6"})
    rows[-1]["DOB"] = "31/02/2016"
    with pytest.raises(mis_import.ImportFailed) as refused:
        mis_import.import_pupils(by=admin, school=world.school, content=csv_bytes(rows))
    assert [(p.line, p.column) for p in refused.value.problems] == [(301, "DOB")]
    assert snapshot() == before


def test_the_spellings_the_import_accepts_are_not_refused_as_too_long(world, admin):
    # "Female" is six characters and the sex field holds one: the length of the stored
    # value counts, not the length of the spelling the MIS exported.
    content = csv_bytes(
        [
            row(**{"Gender": "Female", "NC Year Actual": "Year 5", "SEN Provision": "SEN Support"}),
            row(UPN=UPN_2, **{"Gender": "boy", "NC Year Actual": "Rec", "SEN Provision": "EHCP"}),
        ]
    )
    result = mis_import.import_pupils(by=admin, school=world.school, content=content)
    assert (result.created, result.updated) == (2, 0)
    assert Pupil.objects.filter(upn=UPN_1).values_list("sex", "nc_year", "sen_status").get() == (
        "F",
        "5",
        "K",
    )
    assert Pupil.objects.filter(upn=UPN_2).values_list("sex", "nc_year", "sen_status").get() == (
        "M",
        "R",
        "E",
    )


def test_a_long_cell_that_is_not_a_choice_is_quoted_short_in_its_message(world, admin):
    content = csv_bytes([row(Gender="F" + "x" * 5_000)])
    with pytest.raises(mis_import.ImportFailed) as error:
        mis_import.import_pupils(by=admin, school=world.school, content=content)
    [problem] = error.value.problems
    assert (problem.line, problem.column) == (2, "Gender")
    assert problem.message.startswith("“Fxxx")
    assert "…” is not one of" in problem.message
    assert len(problem.message) < 120
    assert not Pupil.objects.exists()


def _strptime_date(raw: str) -> date | None:
    """The dates the import accepts, read by strptime alone (as before the quick path)."""
    from datetime import datetime

    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


@given(
    st.one_of(
        st.from_regex(r"\A[0-9]{1,3}/[0-9]{1,3}/[0-9]{3,5}\Z"),
        st.dates().map(lambda d: f"{d.day}/{d.month}/{d.year:04d}"),
        st.text(alphabet="0123456789/- ", max_size=12),
    )
)
def test_a_date_cell_is_read_as_strptime_reads_it(raw):
    # DD/MM/YYYY is read without strptime; the answer (a date, or the refusal) is the same.
    expected = _strptime_date(raw)
    if expected is None:
        with pytest.raises(ValueError, match="is not a date"):
            mis_import._parse_date(raw)
    else:
        assert mis_import._parse_date(raw) == expected
