"""accounts.import_commands: what both CSV import commands say when the person, the
file or the rows are wrong."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.core.management.base import OutputWrapper

from apcase.accounts.import_commands import acting_user, read_file, write_problems
from apcase.accounts.tests.factories import UserFactory

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
