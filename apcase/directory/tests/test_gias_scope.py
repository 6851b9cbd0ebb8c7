"""Issue 9, High: one local authority's GIAS import must not move or close another
authority's establishments; only the national import (a system admin, or the command
with --national) may move one, and each move is its own audit event. Also: Unicode
digits in a GIAS URN are refused by line, never a 500.

`world.la` is Milton Keynes (LA code 826), `world.other_la` Northshire (999). The
attacker is Northshire's LA admin, uploading rows carrying Northshire's own code for
Milton Keynes's establishments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apcase.accounts.models import Organisation
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import MembershipFactory
from apcase.chronology.models import AuditEvent
from conftest import sign_in
from tests.helpers import assert_page

from .test_gias import FIXTURE, _csv, _import, _table

pytestmark = pytest.mark.django_db
IMPORT_URL = "/providers/import-gias/"


def _row(urn: int, **cells: str) -> tuple[list[str], list[str]]:
    """The fixture's row with this URN, with `cells` (column name -> text) changed."""
    header, rows = _table()
    row = next(r for r in rows if r[header.index("URN")] == str(urn))
    for column, text in cells.items():
        row[header.index(column)] = text
    return header, row


def _upload(client: Client, data: bytes, **fields: str):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("edubasealldata.csv", data, content_type="text/csv")
    return client.post(IMPORT_URL, {"file": upload, **fields})


@pytest.fixture
def attacker(world, user_with_role):  # type: ignore[no-untyped-def]
    """Northshire's LA admin, signed in."""
    return sign_in(Client(), user_with_role(Role.LA_ADMIN, organisation=world.other_la))


def _held(world):  # type: ignore[no-untyped-def]
    """Milton Keynes's PRU and school, with the URNs the fixture uses."""
    world.provider.urn = 990002
    world.provider.la_code = "826"
    world.provider.save()
    world.school.urn = 990001
    world.school.la_code = "826"
    world.school.save()


def test_another_las_row_for_our_pru_is_refused_by_line_and_moves_nothing(world, attacker):
    _held(world)
    header, row = _row(990002, **{"LA (code)": "999", "EstablishmentName": "Taken Over PRU"})
    response = _upload(attacker, _csv(header, [row]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "GIAS import not applied" in page
    assert '<td class="govuk-table__cell">2</td><td class="govuk-table__cell">990002</td>' in page
    assert "URN 990002 belongs to another local authority" in page
    world.provider.refresh_from_db()
    assert world.provider.local_authority == world.la
    assert world.provider.name == "Milton Keynes Primary Referral Unit"
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_skipping_invalid_rows_skips_the_refused_row_and_imports_the_las_own(world, attacker):
    _held(world)
    header, mine = _row(990005)  # Northshire's own new establishment
    _, theirs = _row(990002, **{"LA (code)": "999"})
    response = _upload(attacker, _csv(header, [mine, theirs]), skip_invalid="on")
    page = response.content.decode()
    assert response.status_code == 200
    assert "GIAS import complete" in page
    assert "URN 990002 belongs to another local authority" in page
    world.provider.refresh_from_db()
    assert world.provider.local_authority == world.la
    assert Organisation.objects.get(urn=990005).local_authority == world.other_la
    event = AuditEvent.objects.get(action="directory.gias_imported")
    assert (event.changes["created"], event.changes["updated"]) == ([None, 1], [None, 0])
    assert event.changes["skipped_lines"] == [None, [3]]
    assert not AuditEvent.objects.filter(action="directory.establishment_moved_la").exists()


def test_a_closed_row_for_another_las_school_is_refused_and_its_staff_keep_their_pages(
    world, attacker, user_with_role
):
    _held(world)
    staff = sign_in(Client(), user_with_role(Role.INCLUSION_LEAD))  # at world.school
    assert staff.get("/").status_code == 200
    header, row = _row(
        990001,
        **{"LA (code)": "999", "EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2026"},
    )
    response = _upload(attacker, _csv(header, [row]))
    assert_page(response, contains="URN 990001 belongs to another local authority")
    world.school.refresh_from_db()
    assert world.school.status == Organisation.Status.OPEN
    assert world.school.local_authority == world.la
    home = staff.get("/")
    assert_page(home, contains="Heronsgate School")


def test_the_la_code_command_refuses_another_las_establishment_too(world, tmp_path):
    _held(world)
    header, row = _row(990002, **{"LA (code)": "999"})
    path = tmp_path / "gias.csv"
    path.write_bytes(_csv(header, [row]))
    with pytest.raises(CommandError, match="Nothing imported: 1 of 1 rows are invalid"):
        call_command("import_gias", str(path), "--la-code", "999", verbosity=0)
    world.provider.refresh_from_db()
    assert world.provider.local_authority == world.la


def test_the_command_must_be_told_which_kind_of_import_it_is(world):
    with pytest.raises(CommandError, match="--la-code"):
        call_command("import_gias", str(FIXTURE), verbosity=0)
    with pytest.raises(CommandError, match="No local authority has LA code 123"):
        call_command("import_gias", str(FIXTURE), "--la-code", "123", verbosity=0)
    assert not Organisation.objects.filter(urn__gte=990000).exists()


def test_an_las_own_rows_still_import_and_update_its_own_records(world, user_with_role):
    _held(world)
    header, rows = _table()
    rows[1][header.index("EstablishmentName")] = "Kingfisher PRU"  # 990002, world.provider
    client = sign_in(Client(), user_with_role(Role.LA_ADMIN))  # Milton Keynes
    response = _upload(client, _csv(header, rows))
    assert_page(response, contains="GIAS import complete")
    world.provider.refresh_from_db()
    assert (world.provider.name, world.provider.local_authority) == ("Kingfisher PRU", world.la)
    assert Organisation.objects.get(urn=990003).local_authority == world.la
    assert not Organisation.objects.filter(urn=990005).exists()  # Northshire's row
    event = AuditEvent.objects.get(action="directory.gias_imported")
    assert (event.changes["scope"], event.changes["outside_scope"]) == ([None, "LA 826"], [None, 1])
    assert event.organisation_id == world.la.pk


def test_a_system_admins_national_import_moves_an_establishment_and_audits_the_move(
    world, user_with_role
):
    _held(world)
    admin = user_with_role(Role.SYSTEM_ADMIN)
    client = sign_in(Client(), admin)
    assert 'href="/providers/import-gias/"' in client.get("/").content.decode()  # navigation
    assert "All of England" not in client.get(IMPORT_URL).content.decode()  # one choice
    header, row = _row(990002, **{"LA (code)": "999"})
    response = _upload(client, _csv(header, [row]))
    assert_page(response, contains="GIAS import complete")
    world.provider.refresh_from_db()
    assert world.provider.local_authority == world.other_la
    move = AuditEvent.objects.get(action="directory.establishment_moved_la")
    assert move.actor_id == admin.pk
    assert move.target_id == str(world.provider.pk)
    assert move.organisation_id == world.other_la.pk
    assert move.changes["local_authority"] == [world.la.pk, world.other_la.pk]
    assert move.changes["local_authority_name"] == ["Milton Keynes Council", "Northshire Council"]
    imported = AuditEvent.objects.get(action="directory.gias_imported")
    assert (imported.changes["scope"], imported.changes["moved"]) == ([None, "national"], [None, 1])


def test_the_national_command_moves_and_audits_as_the_system(world, tmp_path):
    _held(world)
    header, row = _row(990001, **{"LA (code)": "999"})
    path = tmp_path / "gias.csv"
    path.write_bytes(_csv(header, [row]))
    call_command("import_gias", str(path), "--national", verbosity=0)
    world.school.refresh_from_db()
    assert world.school.local_authority == world.other_la
    move = AuditEvent.objects.get(action="directory.establishment_moved_la")
    assert (move.actor_id, move.changes["urn"]) == (None, [None, 990001])


def test_an_la_admin_cannot_choose_the_national_import(world, attacker):
    _held(world)
    header, row = _row(990002, **{"LA (code)": "999"})
    response = _upload(attacker, _csv(header, [row]), scope="national")
    assert_page(response, contains="govuk-error-summary")
    world.provider.refresh_from_db()
    assert world.provider.local_authority == world.la


def test_an_admin_of_two_authorities_chooses_one_and_cannot_move_between_them(
    world, user_with_role
):
    _held(world)
    admin = user_with_role(Role.LA_ADMIN)  # Milton Keynes
    MembershipFactory(user=admin, organisation=world.other_la, role=Role.LA_ADMIN)
    client = sign_in(Client(), admin)
    header, row = _row(990002, **{"LA (code)": "999"})
    missing = _upload(client, _csv(header, [row]))
    assert "Select which establishments this import changes" in missing.content.decode()
    response = _upload(client, _csv(header, [row]), scope=str(world.other_la.pk))
    assert "URN 990002 belongs to another local authority" in response.content.decode()
    world.provider.refresh_from_db()
    assert world.provider.local_authority == world.la


def test_a_held_record_without_an_authority_is_taken_up_by_the_la_of_its_code(world):
    Organisation.objects.filter(pk=world.provider.pk).update(
        urn=990002, la_code="826", local_authority=None
    )
    header, row = _row(990002)
    result = _import(_csv(header, [row]), authority=world.la)
    assert result.applied
    assert Organisation.objects.get(urn=990002).local_authority == world.la
    assert AuditEvent.objects.filter(action="directory.establishment_moved_la").count() == 1


@pytest.mark.parametrize("urn", ["²", "99000²", "١٢٣", "９９０００１"])
def test_a_urn_in_other_unicode_digits_is_refused_by_line_not_a_500(world, user_with_role, urn):
    header, row = _row(990001, URN=urn)
    client = sign_in(Client(), user_with_role(Role.LA_ADMIN))
    response = _upload(client, _csv(header, [row], encoding="utf-8"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "GIAS import not applied" in page
    assert f"URN must be a whole number, not “{urn}”" in page
    assert not Organisation.objects.filter(name="Willowbrook Primary School").exists()


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("UKPRN", "1009900²", "UKPRN must be a whole number"),
        ("TypeOfEstablishment (code)", "١", "TypeOfEstablishment (code) must be a whole number"),
        ("LA (code)", "٨٢٦", "LA (code) must be a number of up to 3 digits"),
        ("OpenDate", "٠١-٠٩-١٩٩٠", "OpenDate must be a date like 31-08-2024"),
        ("OpenDate", "01-09-199²", "OpenDate must be a date like 31-08-2024"),
    ],
)
def test_other_number_columns_in_unicode_digits_are_refused(world, column, text, message):
    header, row = _row(990001, **{column: text})
    result = _import(_csv(header, [row], encoding="utf-8"))
    assert not result.applied
    assert message in " ".join(result.errors[0].messages)
