"""Status moves of a safeguarding concern: new → open (acknowledged by the school's DSL)
→ closed (with the outcome). Nothing else changes a concern's status."""

from django.db import transaction
from django.utils import timezone

from apcase.accounts.models import User
from apcase.core.errors import check_transition

from .audit import SafeguardingAction
from .models import Concern, ConcernStatus
from .services import fail, locked_for_dsl, record_change

S = ConcernStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.OPEN}),
    S.OPEN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


def _move(concern: Concern, to: str) -> None:
    check_transition(
        concern,
        "status",
        to,
        ALLOWED_TRANSITIONS,
        states=S,
        refused="A {now} concern cannot become {to}.",
    )


def acknowledge(concern: Concern, *, by: User) -> Concern:
    with transaction.atomic():
        locked = locked_for_dsl(concern, by)
        _move(locked, S.OPEN)
        Concern.objects.filter(pk=locked.pk).update(
            status=S.OPEN, acknowledged_by=by, acknowledged_at=timezone.now()
        )
        record_change(
            by,
            SafeguardingAction.CONCERN_ACKNOWLEDGED,
            locked,
            "Acknowledged",
            status=[S.NEW, S.OPEN],
        )
    return Concern.objects.get(pk=concern.pk)


def close(concern: Concern, *, by: User, outcome: str) -> Concern:
    if not outcome.strip():
        raise fail("outcome", "Enter the outcome.")
    with transaction.atomic():
        locked = locked_for_dsl(concern, by)
        _move(locked, S.CLOSED)
        Concern.objects.filter(pk=locked.pk).update(
            status=S.CLOSED, closed_by=by, closed_at=timezone.now(), outcome=outcome.strip()
        )
        record_change(
            by, SafeguardingAction.CONCERN_CLOSED, locked, "Closed", status=[S.OPEN, S.CLOSED]
        )
    return Concern.objects.get(pk=concern.pk)
