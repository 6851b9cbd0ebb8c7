"""Domain errors raised by services and workflow functions; views turn them into
messages a user understands (docs/style.md, habit 9)."""

from collections.abc import Collection, Mapping

from django.db import models


class DomainError(Exception):
    """A rule of the domain refused the change. The message is shown to the user."""


class NotPermitted(DomainError):
    """The acting user may not do this."""


class TransitionNotAllowed(DomainError):
    """The record's status does not allow this change."""


class ValidationFailed(DomainError):
    """Input broke a rule; `errors` maps field names (or None) to messages."""

    def __init__(self, message: str, errors: dict[str | None, list[str]] | None = None):
        super().__init__(message)
        self.errors = errors or {None: [message]}


def check_transition(
    record: models.Model,
    field: str,
    to: str,
    allowed: Mapping[str, Collection[str]],
    *,
    states: type[models.TextChoices],
    refused: str,
) -> None:
    """Refuse the change (TransitionNotAllowed) unless `allowed`, a state machine's table,
    lets `record.<field>` go to `to`. `refused` is the message: `{now}` and `{to}` stand
    for the two states' labels, in lower case."""
    if to not in allowed[getattr(record, field)]:
        now = getattr(record, f"get_{field}_display")().lower()
        raise TransitionNotAllowed(refused.format(now=now, to=states(to).label.lower()))
