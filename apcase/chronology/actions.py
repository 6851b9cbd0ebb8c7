"""The one registry of audit actions. `record_event` takes only a registered action.

Each app names the changes it records in its own `audit.py`: an enum of `AuditAction`
members, decorated with `@register`. The chronology's `AppConfig.ready()` imports every
installed app's `audit` module (as Django's admin discovers `admin` modules), so the
registry is complete before the first request, and the chronology knows no other app.

A member is declared as `NAME = "stored value", "Label for the chronology"`, with a third
item `True` when the event's very existence is child-protection information (shown to
the school's DSL only). The chronology hides events by that flag, never by their name.

Stored values: the audit trail is append-only, so a value keeps the spelling it was first
written with, and rows already stored keep rendering. Two spellings exist: `subject.verb`
(pupils, schooldays, directory) and `subject_verb` (the rest); a new action takes the
`subject.verb` form of its app."""

import enum
from typing import Any, Self, TypeVar

from django.core.exceptions import ImproperlyConfigured


class AuditAction(enum.StrEnum):
    """The base of each app's enum of audit actions (see the module docstring)."""

    label: str
    child_protection: bool

    def __new__(cls, value: str, label: str, child_protection: bool = False) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.child_protection = child_protection
        return member


class UnregisteredAction(Exception):
    """record_event was given an action that no app registered."""


A = TypeVar("A", bound=type[AuditAction])

_registry: dict[str, AuditAction] = {}


def register(actions: A) -> A:
    """Class decorator: add every member of an app's enum to the registry. A value
    registered twice (by two apps, or two enums) is a configuration error."""
    for member in actions:
        existing = _registry.get(member.value)
        if existing is not None and existing is not member:
            raise ImproperlyConfigured(
                f"Audit action {member.value!r} is registered by both "
                f"{type(existing).__qualname__} and {actions.__qualname__}."
            )
        _registry[member.value] = member
    return actions


def check_registered(action: Any) -> AuditAction:
    """`action` itself when it is a registered member; UnregisteredAction otherwise (a
    plain string, even one spelled like a registered value, is refused)."""
    if not isinstance(action, AuditAction) or _registry.get(action.value) is not action:
        raise UnregisteredAction(
            f"{action!r} is not a registered audit action: declare it in its app's audit.py."
        )
    return action


def registered_actions() -> list[AuditAction]:
    return list(_registry.values())


def lookup(value: str) -> AuditAction | None:
    """The registered action stored as `value`, or None (a row older than the registry
    whose action no app declares any more)."""
    return _registry.get(value)


def child_protection_values() -> frozenset[str]:
    """The stored values of every action whose existence is child-protection information."""
    if not _registry:
        raise ImproperlyConfigured(
            "No audit actions are registered: is apcase.chronology installed?"
        )
    return frozenset(value for value, action in _registry.items() if action.child_protection)
