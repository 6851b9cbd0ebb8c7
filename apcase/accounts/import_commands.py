"""What the CSV import commands share (import_pupils, import_register_marks): the
person the import is made in the name of, the file's bytes, and each row's problem
written out, so every import command says these things the same way."""

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from django.core.management.base import CommandError, OutputWrapper

from .models import User


class RowProblem(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def message(self) -> str: ...


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
