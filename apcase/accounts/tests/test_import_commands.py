"""accounts.import_commands: what both CSV import commands say when the organisation,
the person, the file or the rows are wrong."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.core.management.base import OutputWrapper

from apcase.accounts.import_commands import (
    acting_user,
    organisation,
    read_file,
    refusals_reported,
    write_problems,
)
from apcase.accounts.roles import OrganisationKind
from apcase.accounts.tests.factories import ProviderFactory, SchoolFactory, UserFactory
from apcase.core.csvimport import RowError, RowsRefused
from apcase.core.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db


@dataclass
class Problem:
    line: int
    column: str
    message: str


def test_the_acting_user_is_found_by_email_in_any_case_and_only_if_active():
    user = UserFactory(email="amara.okafor@example.org")
    assert acting_user(user.email.upper()) == user
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="No active user has the email"):
        acting_user(user.email)


def test_a_path_that_is_not_a_file_is_refused(tmp_path: Path):
    with pytest.raises(CommandError, match="is not a file"):
        read_file(tmp_path)
    (tmp_path / "a.csv").write_bytes(b"UPN\n")
    assert read_file(tmp_path / "a.csv") == b"UPN\n"


def test_each_problem_is_written_with_its_line_and_column_and_how_many_more():
    out = io.StringIO()
    write_problems(
        OutputWrapper(out), [Problem(2, "DOB", "Not a date"), Problem(3, "", "Empty")], 5
    )
    assert out.getvalue().splitlines() == [
        "line 2 [DOB]: Not a date",
        "line 3: Empty",
        "… and 3 more.",
    ]


def test_the_organisation_is_found_by_its_kind_and_lookup_else_the_command_says_so():
    school = SchoolFactory(urn=110001)
    provider = ProviderFactory()
    assert organisation(OrganisationKind.SCHOOL, "No school", urn=110001) == school
    assert organisation(OrganisationKind.PROVIDER, "No provider", pk=provider.pk) == provider
    with pytest.raises(CommandError, match="^No provider has the number"):
        organisation(OrganisationKind.PROVIDER, "No provider has the number", pk=school.pk)


def test_a_refused_import_ends_the_command_with_its_message_after_its_problems():
    out = io.StringIO()
    refused = pytest.raises(CommandError, match="^The file has 3 problems. Nothing has been")
    with refused, refusals_reported(OutputWrapper(out)):
        raise RowsRefused([RowError(2, "DOB", "Not a date")], 3)
    assert out.getvalue().splitlines() == ["line 2 [DOB]: Not a date", "… and 2 more."]
    for refusal in (NotPermitted("You cannot import here."), ValidationFailed("Give a reason.")):
        ended = pytest.raises(CommandError, match=f"^{refusal}$")
        with ended, refusals_reported(OutputWrapper(io.StringIO())):
            raise refusal
