"""Reminders: the daily task (`tasks.send_reminders`) asks each app what has fallen due
today and tells the people whose work it is, each reminder once.

An app registers a *source* from its `AppConfig.ready()` (as it registers home-page
items in `core.attention`): a function of today that returns `Due` reminders, computed
with the app's own rules (the review schedule, the visit interval, the watch of
placements, the panel's cut-off). Each has a `key` naming its kind, its subject and
its due date ("review_due:placement:12:2026-12-08"): a reminder is sent once per key,
ever. The key is written to `Reminder` (unique) in the same transaction as the message
(`messages.send`: the email in the outbox and the alert in the notification centre), so
a worker that stops between two reminders has sent the first exactly once and sends the
second on its next run; and two workers never both send one.

Provider assurance lapsing is reminded by `directory.tasks.check_assurance`, once per
record, state and school (`directory.AssuranceAlert`, unique), and a register not taken
by the cut-off is told to the school at once (`monitoring.tasks.check_registers`, a
follow-up per session); the sources here remind of the rest."""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from . import messages
from .models import Reminder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """One reminder: `messages.send(template, to=to, child=child, link=link, **context)`
    once per `key`."""

    key: str
    template: str
    to: list[Any]
    link: str
    child: Any = None
    context: dict[str, Any] = field(default_factory=dict)
    # Where a child is not known (a missed register): emailed at once, never held back
    # for a digest (messages.send's `urgent`).
    urgent: bool = False

    @property
    def kind(self) -> str:
        return self.key.partition(":")[0]


def key(kind: str, subject: str, due: datetime.date) -> str:
    """ "<kind>:<subject>:<due date>", the one identity of a reminder."""
    return f"{kind}:{subject}:{due.isoformat()}"


def key_ahead_or_passed(kind: str, subject: str, due: datetime.date, *, passed: bool) -> str:
    """The key of a reminder sent ahead of a date and once more when the date has passed
    with nothing done ("<kind>_passed:..."): news of its own, which the reminder sent
    ahead must not silence."""
    return key(f"{kind}_passed" if passed else kind, subject, due)


Source = Callable[[datetime.date], Iterable[Due]]
_sources: list[Source] = []


def register(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def send_due(today: datetime.date) -> int:
    """Send every reminder due today that has not been sent; returns how many were
    sent. A reminder (or a kind of reminder) that fails, or that has nobody to tell, is
    logged as an error and left unsent (its key unwritten), for the next run; it never
    stops the others."""
    sent = 0
    for source in _sources:
        try:
            due = list(source(today))
        except Exception:  # one kind's failure must not silence the other kinds
            logger.exception("Reminders of %s not computed; tried again on the next run", source)
            continue
        done = set(
            Reminder.objects.filter(key__in=[item.key for item in due]).values_list(
                "key", flat=True
            )
        )
        for item in due:
            if item.key in done:
                continue
            if not item.to:
                # Fail safe, never quiet: a reminder nobody can be told of is an error
                # for the operators, and stays unsent (its key unwritten) so that it
                # goes on the first run after someone holds the role.
                logger.error(
                    "Reminder %s has nobody to tell (nobody holds the role); "
                    "tried again on the next run",
                    item.key,
                )
                continue
            try:
                with transaction.atomic():
                    Reminder.objects.create(key=item.key, kind=item.kind)
                    messages.send(
                        item.template,
                        to=item.to,
                        child=item.child,
                        link=item.link,
                        urgent=item.urgent,
                        **item.context,
                    )
            except IntegrityError:
                continue  # another worker sent it meanwhile
            except Exception:  # one reminder's failure must not silence the others
                logger.exception("Reminder %s not sent; tried again on the next run", item.key)
                continue
            sent += 1
    return sent
