"""Letters to the pupil's parents and carers about the panel's decision: addressed to
each carer with parental responsibility (name and postal address from the carer
record), sent by email through the outbox where the carer has an email address, or
marked as sent by post or by hand; each sending is recorded (`LetterSent`) and audited.

Rules:
- A letter goes to each of the pupil's carers with parental responsibility.
- Never to a carer with a restriction recorded: the letter is listed as not to be sent,
  with the restriction, so the school decides in the open (fail safe, never quiet).
- By email only to a carer with an email address; by post only to a carer with a postal
  address. Each letter is sent once.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Exists, Prefetch, prefetch_related_objects
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.notifications import messages
from apcase.pupils.models import Carer

from . import selectors
from .audit import PanelAction
from .models import LetterSent, PanelDecision

if TYPE_CHECKING:
    from apcase.referrals.models import Referral

M = LetterSent.Method
_SENT = Prefetch("letters_sent", queryset=LetterSent.objects.select_related("sent_by"))


@dataclass(frozen=True)
class LetterLine:
    """One letter the decision calls for: to whom, and whether it has gone."""

    decision: PanelDecision
    carer: Carer
    sent: LetterSent | None
    blocked: str  # why it must not be sent ("" when it may)

    @property
    def can_email(self) -> bool:
        return not self.sent and not self.blocked and bool(self.carer.email.strip())

    @property
    def can_post(self) -> bool:
        return not self.sent and not self.blocked and bool(self.carer.address.strip())

    @property
    def can_hand(self) -> bool:
        return not self.sent and not self.blocked


def _blocked(carer: Carer) -> str:
    if carer.is_restricted:
        return f"Not to be sent: a restriction is recorded ({carer.restriction})."
    return ""


def letters_for_decision(decision: PanelDecision) -> list[LetterLine]:
    """The decision letter to each of the pupil's carers with parental responsibility,
    with whether it was sent."""
    return letters_for_decisions([decision]).get(decision.pk, [])


def letters_for_decisions(decisions: Sequence[PanelDecision]) -> dict[int, list[LetterLine]]:
    """`letters_for_decision` of each decision, by its id, in three queries however many
    decisions there are (the letters sent, and the carers of all their pupils)."""
    items = {d.pk: d.referral or d.emergency for d in decisions}
    prefetch_related_objects(decisions, _SENT)
    carers: dict[int, list[Carer]] = defaultdict(list)
    pupil_ids = {item.pupil_id for item in items.values() if item is not None}
    for carer in Carer.objects.filter(pupil_id__in=pupil_ids, parental_responsibility=True):
        carers[carer.pupil_id].append(carer)
    return {
        d.pk: _lines(d, carers[item.pupil_id])
        for d in decisions
        if (item := items[d.pk]) is not None
    }


def _lines(decision: PanelDecision, carers: list[Carer]) -> list[LetterLine]:
    """The letters of `decision` to `carers` (its `letters_sent` prefetched)."""
    sent = {s.carer_id: s for s in decision.letters_sent.all()}
    return [LetterLine(decision, c, sent.get(c.pk), _blocked(c)) for c in carers]


def letters_for_referral(referral: "Referral") -> list[LetterLine]:
    """Every decision letter of a referral (registered in `referrals.panels`), in a
    fixed number of queries however many decisions it has."""
    decisions = list(
        PanelDecision.objects.filter(referral=referral).select_related(
            "meeting", "referral", "emergency"
        )
    )
    lines = letters_for_decisions(decisions)
    return [line for decision in decisions for line in lines.get(decision.pk, [])]


def _check(line: LetterLine, method: str, by: User) -> None:
    if not policies.can_send_decision_letters(by, line.decision):
        raise NotPermitted("You cannot send this letter.")
    if method not in M.values:
        raise ValidationFailed("Choose how the letter was sent.")
    if line.blocked:
        raise ValidationFailed(line.blocked)
    if line.sent is not None:
        raise ValidationFailed(f"The letter to {line.carer.name} was already sent.")
    if method == M.EMAIL and not line.carer.email.strip():
        raise ValidationFailed(
            f"{line.carer.name} has no email address: send the letter by post or by hand."
        )
    if method == M.POST and not line.carer.address.strip():
        raise ValidationFailed(
            f"{line.carer.name} has no postal address: add it to the carer record first."
        )


@transaction.atomic
def send_letter(decision: PanelDecision, *, carer_id: int, method: str, by: User) -> LetterSent:
    """Send (by email) or record as sent (by post or by hand) the decision letter to
    one of the pupil's carers."""
    decision = PanelDecision.objects.select_for_update().get(pk=decision.pk)
    line = next((x for x in letters_for_decision(decision) if x.carer.pk == carer_id), None)
    if line is None:
        raise ValidationFailed("Choose one of the pupil's parents or carers.")
    _check(line, method, by)
    item = decision.referral or decision.emergency
    assert item is not None  # noqa: S101 - letters_for_decision found a carer of its pupil
    carer = line.carer
    if method == M.EMAIL:
        messages.send(
            "panel/messages/decision_letter_parents.txt",
            to=[carer.email],
            child=item.pupil,
            carer_name=carer.name,
            decision=decision,
            school=item.school,
        )
    sent = LetterSent.objects.create(
        decision=decision,
        carer=carer,
        addressed_to=carer.name,
        postal_address=carer.address,
        email=carer.email if method == M.EMAIL else "",
        method=method,
        sent_at=timezone.now(),
        sent_by=by,
    )
    record_event(
        by=by,
        action=PanelAction.LETTER_SENT,
        target=decision,
        organisation=item.school,
        pupil_id=item.pupil_id,
        summary=f"Decision letter to {carer.name} ({carer.relationship}) sent: "
        f"{sent.get_method_display().lower()}",
        changes={"letter_sent": [None, method]},
    )
    return sent


def settle_letters_due() -> int:
    """Clear `PanelDecision.letters_may_be_due` of every decision none of whose letters
    is due now (the live rule, `selectors.waiting_carers`); returns how many. The flag
    stays true of every decision with a letter due: each write that could make one due
    sets it again through a trigger (migration panel/0007), whose statement updates the
    decisions' table; and while this runs no such statement can, for on PostgreSQL the
    decisions' table is locked in SHARE ROW EXCLUSIVE mode first, which waits for every
    writer of it already under way to finish (so the live rule sees what they wrote)
    and holds off new ones until this commits, while reads go on. SQLite lets one
    writer at a time. The argument holds at PostgreSQL's default isolation, READ
    COMMITTED, which apcase uses: a trigger that waited sees the flag as the pass left
    it. The pass waits for the lock 5 s at most: behind a long import that writes
    carers, every write that could make a letter due would queue behind the pass, so it
    gives up instead (the error is logged; tomorrow's pass, or a run by hand, clears
    what it would have). It writes no audit event: the flag is the database's note of
    where to look, not a record of anything anyone did."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '5s'")
                cursor.execute("LOCK TABLE panel_paneldecision IN SHARE ROW EXCLUSIVE MODE")
        return (
            PanelDecision.objects.filter(letters_may_be_due=True)
            .annotate(item_pupil=selectors.ITEM_PUPIL)
            .exclude(Exists(selectors.waiting_carers()))
            .update(letters_may_be_due=False)
        )
