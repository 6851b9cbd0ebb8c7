"""What the CSV import commands share (import_pupils, import_register_marks): the
organisation imported for, the person the import is made in the name of, the file's
bytes, and a refused import's message with each row's problem written out, so every
import command says these things the same way."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from django.core.management.base import CommandError, OutputWrapper

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
