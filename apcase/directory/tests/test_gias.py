import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind, Role
from apcase.accounts.tests.factories import SchoolFactory
from apcase.chronology.models import AuditEvent
from apcase.directory import gias, services
from apcase.directory.models import Inspection, ProviderProfile
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "fixtures" / "gias_sample.csv"


def _table() -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(FIXTURE.read_bytes().decode("cp1252"), newline="")))
    return rows[0], rows[1:]


def _csv(header: list[str], rows: list[list[str]], encoding: str = "cp1252") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _import(data: bytes, **options):  # type: ignore[no-untyped-def]
    options.setdefault("skip_invalid", False)
    if "authority" not in options:
        options.setdefault("national", True)
    return services.import_gias(by=None, data=data, filename="edubasealldata.csv", **options)


def test_a_new_file_adds_schools_and_providers_by_type_and_marks_closed_ones(world):
    result = _import(FIXTURE.read_bytes())
    assert result.applied
    assert (result.created, result.updated, result.closed) == (5, 0, 1)
    school = Organisation.objects.get(urn=990001)
    assert school.kind == OrganisationKind.SCHOOL
    assert school.la_code == "826"
    pru = Organisation.objects.get(urn=990002)
    assert pru.kind == OrganisationKind.PROVIDER
    assert pru.establishment_type_code == 14
    assert pru.open_date.isoformat() == "2008-04-01"
    assert ProviderProfile.objects.get(organisation=pru).registration == "registered"
    inspection = Inspection.objects.get(organisation=pru)
    assert (inspection.scale, inspection.overall_grade, inspection.inspected_on.isoformat()) == (
        "legacy",
        "outstanding",
        "2023-11-07",
    )
    assert not Inspection.objects.filter(organisation=school).exists()  # schools: no history
    closed = Organisation.objects.get(urn=990004)
    assert closed.status == "closed"
    assert closed.close_date.isoformat() == "2019-08-31"
    assert Organisation.objects.get(urn=990005).name == "Café Lane Free School AP"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world):
    _import(FIXTURE.read_bytes())
    before = (
        Organisation.objects.count(),
        Inspection.objects.count(),
        ProviderProfile.objects.count(),
    )
    result = _import(FIXTURE.read_bytes())
    assert (result.created, result.updated, result.unchanged, result.closed) == (0, 0, 5, 0)
    assert before == (
        Organisation.objects.count(),
        Inspection.objects.count(),
        ProviderProfile.objects.count(),
    )


def test_a_changed_row_updates_the_record_with_that_urn_and_closes_it(world):
    _import(FIXTURE.read_bytes())
    header, rows = _table()
    rows[0][header.index("EstablishmentName")] = "Willowbrook Primary Academy"
    rows[1][header.index("EstablishmentStatus (name)")] = "Closed"
    rows[1][header.index("CloseDate")] = "31-12-2025"
    result = _import(_csv(header, rows))
    assert (result.created, result.updated, result.unchanged, result.closed) == (0, 2, 3, 1)
    assert Organisation.objects.get(urn=990001).name == "Willowbrook Primary Academy"
    assert Organisation.objects.get(urn=990002).status == "closed"


def test_rows_are_linked_to_the_local_authority_with_their_la_code(world):
    _import(FIXTURE.read_bytes())
    assert Organisation.objects.get(urn=990002).local_authority == world.la  # 826
    assert Organisation.objects.get(urn=990005).local_authority == world.other_la  # 999


def test_invalid_rows_are_reported_by_line_and_nothing_is_applied(world):
    header, rows = _table()
    rows[1][header.index("OpenDate")] = "2008-04-01"
    rows[2][header.index("URN")] = "abc"
    rows[3][header.index("EstablishmentStatus (name)")] = "Sort of open"
    rows.append(list(rows[0]))  # duplicate URN 990001
    result = _import(_csv(header, rows))
    assert not result.applied
    assert [(e.line, e.urn) for e in result.errors] == [
        (3, "990002"),
        (4, "abc"),
        (5, "990004"),
        (7, "990001"),
    ]
    assert "OpenDate must be a date like 31-08-2024" in result.errors[0].messages[0]
    assert "also on line 2" in result.errors[3].messages[0]
    assert not Organisation.objects.filter(urn__gte=990000).exists()
    assert not AuditEvent.objects.filter(action="directory.gias_imported").exists()


def test_choosing_to_skip_invalid_rows_imports_the_rest(world):
    header, rows = _table()
    rows[2][header.index("URN")] = "abc"
    result = _import(_csv(header, rows), skip_invalid=True)
    assert result.applied
    assert (result.created, result.skipped_invalid) == (4, 1)
    assert Organisation.objects.filter(urn__gte=990000).count() == 4


def test_a_row_that_would_turn_a_school_into_a_provider_is_refused(world):
    SchoolFactory(urn=990002, name="Kingfisher School", local_authority=world.la)
    result = _import(FIXTURE.read_bytes())
    assert not result.applied
    assert result.errors[0].line == 3
    assert "held as a school" in result.errors[0].messages[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            FIXTURE.read_bytes().replace(b"Willowbrook", b"Willow\x81brook"),
            r"line 2 has a byte \(0x81\)",
        ),
        (FIXTURE.read_bytes().decode("cp1252").encode("utf-16"), "UTF-16 or binary"),
        (b"URN,EstablishmentName\r\n1,A school\r\n", "has no “UKPRN”"),
        (b"", "empty"),
    ],
)
def test_a_file_in_the_wrong_encoding_or_shape_is_refused_whole(world, data, message):
    with pytest.raises(gias.GiasFileError, match=message):
        _import(data)
    assert not Organisation.objects.filter(urn__gte=990000).exists()


def test_a_utf8_file_keeps_its_accents_rather_than_being_garbled(world):
    header, rows = _table()
    _import(_csv(header, rows, encoding="utf-8"))
    assert Organisation.objects.get(urn=990005).name == "Café Lane Free School AP"


def test_each_import_writes_one_audit_event_with_the_counts(world):
    _import(FIXTURE.read_bytes())
    events = AuditEvent.objects.filter(action="directory.gias_imported")
    assert events.count() == 1
    changes = events.get().changes
    assert (changes["created"], changes["closed"], changes["filename"]) == (
        [None, 5],
        [None, 1],
        [None, "edubasealldata.csv"],
    )
    assert changes["changed_urns"] == [None, [990001, 990002, 990003, 990004, 990005]]


def test_the_command_imports_with_a_progress_bar_and_fails_clearly_on_bad_rows(
    world, tmp_path, capsys
):
    call_command("import_gias", str(FIXTURE), "--national")
    captured = capsys.readouterr()
    assert "GIAS import complete: 5 rows" in captured.out
    assert "Checking rows" in captured.err  # tqdm writes to stderr
    header, rows = _table()
    rows[0][header.index("URN")] = ""
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(header, rows))
    with pytest.raises(CommandError, match="Nothing imported: 1 of 5 rows are invalid"):
        call_command("import_gias", str(bad), "--national", verbosity=0)
    assert "line 2 (URN ?): URN is missing." in capsys.readouterr().err


def test_an_la_admin_upload_applies_only_rows_of_their_own_local_authority(world, user_with_role):
    admin = user_with_role(Role.LA_ADMIN)
    client = sign_in(Client(), admin)
    upload = SimpleUploadedFile("edubasealldata.csv", FIXTURE.read_bytes(), content_type="text/csv")
    response = client.post("/providers/import-gias/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "GIAS import complete" in page
    assert '<progress id="gias-progress"' in page
    assert Organisation.objects.filter(urn__in=[990001, 990002, 990003, 990004]).count() == 4
    assert not Organisation.objects.filter(urn=990005).exists()  # Northshire's row
    event = AuditEvent.objects.get(action="directory.gias_imported")
    assert event.actor_id == admin.pk
    assert event.changes["outside_scope"] == [None, 1]


def test_an_upload_with_invalid_rows_lists_them_and_changes_nothing(world, user_with_role):
    header, rows = _table()
    rows[0][header.index("CloseDate")] = "31/13/2020"
    client = sign_in(Client(), user_with_role(Role.LA_ADMIN))
    upload = SimpleUploadedFile("gias.csv", _csv(header, rows), content_type="text/csv")
    page = client.post("/providers/import-gias/", {"file": upload}).content.decode()
    assert "GIAS import not applied" in page
    assert "CloseDate must be a date like 31-08-2024" in page
    assert not Organisation.objects.filter(urn__gte=990000).exists()


def test_an_upload_in_the_wrong_encoding_shows_the_error_on_the_form(world, user_with_role):
    client = sign_in(Client(), user_with_role(Role.LA_ADMIN))
    data = FIXTURE.read_bytes().decode("cp1252").encode("utf-16")
    upload = SimpleUploadedFile("gias.csv", data, content_type="text/csv")
    response = client.post("/providers/import-gias/", {"file": upload})
    assert_page(response, contains=["UTF-16 or binary", "govuk-error-summary"])
