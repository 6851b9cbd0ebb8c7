"""Domain errors raised by services and workflow functions; views turn them into
messages a user understands (docs/style.md, habit 9)."""


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
