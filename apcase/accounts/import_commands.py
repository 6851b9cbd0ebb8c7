"""What the CSV import commands share (import_pupils, import_register_marks): the
organisation imported for, the person the import is made in the name of, the file's
bytes, and a refused import's message with each row's problem written out, so every
import command says these things the same way; `CsvImportCommand` takes those steps in
that order."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from apcase.core.csvimport import RowsRefused
from apcase.core.errors import NotPermitted, ValidationFailed

from .models import Organisation, User


class RowProblem(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def message(self) -> str: ...


def organisation(kind: str, missing: str, **lookup: object) -> Organisation:
    """The organisation of this kind that `lookup` finds, else CommandError(missing)."""
    found = Organisation.objects.filter(kind=kind, **lookup).first()
    if found is None:
        raise CommandError(missing)
    return found


def acting_user(email: str) -> User:
    """The active user with this email (any case), else CommandError."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user has the email {email}.")
    return user


def read_file(path: Path) -> bytes:
    """The file's bytes, else CommandError when it is not a file."""
    if not path.is_file():
        raise CommandError(f"{path} is not a file.")
    return path.read_bytes()


def write_problems(
    stderr: OutputWrapper, problems: Iterable[RowProblem], total: int | None = None
) -> None:
    """Each problem as `line N [column]: message`, and how many more when only the
    first `total` were listed."""
    listed = 0
    for problem in problems:
        column = f" [{problem.column}]" if problem.column else ""
        stderr.write(f"line {problem.line}{column}: {problem.message}")
        listed += 1
    if total is not None and total > listed:
        stderr.write(f"… and {total - listed:,} more.")


@contextmanager
def refusals_reported(stderr: OutputWrapper) -> Iterator[None]:
    """Run the import; when it is refused (not permitted, or the file or the reason is
    wrong), end the command with CommandError and the refusal's message, after writing
    each problem of a refused file to `stderr`."""
    try:
        yield
    except RowsRefused as error:
        write_problems(stderr, error.problems, error.total)
        raise CommandError(str(error)) from None
    except (NotPermitted, ValidationFailed) as error:
        raise CommandError(str(error)) from None


class CsvImportCommand(BaseCommand):
    """An import command's steps: the organisation imported for (`organisation_for`),
    the person named by `--by`, the bytes of the `csv_file` argument, the import itself
    (`run_import`, refused as `refusals_reported` says) and, when it is made, one line
    of what it did."""

    def organisation_for(self, options: dict[str, Any]) -> Organisation:
        raise NotImplementedError

    def run_import(
        self, *, by: User, organisation: Organisation, content: bytes, options: dict[str, Any]
    ) -> str:
        """Import the file; what it did, as the end of the command's last line."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        found = self.organisation_for(options)
        user = acting_user(options["by"])
        content = read_file(options["csv_file"])
        with refusals_reported(self.stderr):
            done = self.run_import(by=user, organisation=found, content=content, options=options)
        self.stdout.write(self.style.SUCCESS(f"{found}: {done}"))
