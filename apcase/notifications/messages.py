"""The one way the service tells people something: every email and in-app alert is
rendered here from a template.

`send(template, to=..., child=..., link=..., **context)` decides three things the same
way for every message, so no app can get them wrong on its own:

- **Who receives it.** `to` lists people (users: each gets the email and an alert in
  their notification centre) or, for someone who has no account yet (an invitation),
  bare addresses (email only). Who holds a role now is found by
  `accounts.selectors.holders`; an address is told once however often it is listed.
- **How the child is named.** `child` is the pupil the message is about. The template
  sees `child` as first name and last initial ("Jo S.") and nothing else of the record;
  should any text still carry the child's full name, it is replaced by the initialled
  one before anything is written. An email can be mis-sent or read over a shoulder.
- **The link.** `link` is a path in the service. The email carries it as a full
  address (APCASE_BASE_URL), so it opens from a mail program; the in-app alert keeps the
  path.

A template is plain text (never HTML-escaped): its first line is the subject, then a
blank line, then the body. The service's name is added at the foot of every email.
The email goes through the outbox (`services.queue_email`): written in the caller's
transaction with the alert, sent after commit, retried through a mail outage. A person
who chose a daily digest (`EmailChoice`) gets a message that is not `urgent` in the
next digest instead (`digest.py`); an urgent one (a safeguarding concern, a child absent
with no reason, a missed register) is always emailed at once."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.template import Context, Engine

from apcase.core.words import THEY

from .models import EmailChoice, Notification
from .services import absolute_url, queue_email


class Person(Protocol):
    pk: Any
    email: str


class Child(Protocol):
    @property
    def initialled_name(self) -> str: ...

    @property
    def display_name(self) -> str: ...

    @property
    def legal_name(self) -> str: ...


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@cache
def _engine() -> Engine:
    # Email is plain text: HTML-escaping would turn "O'Neill" into "O&#x27;Neill". The
    # service's words (counts, times, dates) are written as on its pages: {% load words %}.
    return Engine(
        app_dirs=True, autoescape=False, libraries={"words": "apcase.core.templatetags.words"}
    )


def service_name() -> str:
    return str(getattr(settings, "APCASE_SERVICE_NAME", "apcase"))


def _without_full_name(text: str, child: Child | None) -> str:
    if child is None:
        return text
    for full in sorted({child.legal_name, child.display_name}, key=len, reverse=True):
        if full and full != child.initialled_name:
            text = text.replace(full, child.initialled_name)
    return text


def render(
    template: str, *, child: Child | None = None, link: str = "", **context: Any
) -> Rendered:
    """The subject and body `template` gives, with the child named by initial and the
    link in full. Raises ValueError if the template breaks the subject/blank line/body
    layout (a programming error, found by the tests that render every template)."""
    values = {
        **context,
        "child": child.initialled_name if child is not None else "",
        # {{ child_pronouns.subject }}: "she", "he", or "they" where the record says none
        "child_pronouns": getattr(child, "pronouns", THEY),
        "link": absolute_url(link) if link else "",
        "service_name": service_name(),
    }
    text = _engine().get_template(template).render(Context(values, autoescape=False))
    subject, blank, body = text.strip().partition("\n")
    if not subject.strip() or not body.startswith("\n"):
        raise ValueError(f"{template}: the first line is the subject, then a blank line.")
    return Rendered(
        subject=_without_full_name(" ".join(subject.split()), child)[:200],
        body=_without_full_name(body.strip(), child),
    )


def send(
    template: str,
    *,
    to: Iterable[Person | str],
    child: Child | None = None,
    link: str = "",
    urgent: bool = False,
    **context: Any,
) -> int:
    """Email each recipient (once per address) and alert each one who has an account in
    their notification centre, in the caller's transaction. Returns how many addresses
    were written to."""
    message = render(template, child=child, link=link, **context)
    people = list(to)
    digest = set() if urgent else _digest_takers(people)
    seen: set[str] = set()
    for person in people:
        address = (person if isinstance(person, str) else person.email).strip().lower()
        if not address or address in seen:
            continue
        seen.add(address)
        waits = not isinstance(person, str) and person.pk in digest
        if not waits:
            queue_email(
                to=address, subject=message.subject, body=f"{message.body}\n\n{service_name()}"
            )
        if not isinstance(person, str):
            Notification.objects.create(
                recipient_id=person.pk,
                subject=message.subject,
                body=message.body,
                link=link,
                urgent=urgent,
                awaiting_digest=waits,
            )
    return len(seen)


def _digest_takers(people: list[Person | str]) -> set[Any]:
    """The ids of those among `people` who chose a daily digest."""
    ids = [person.pk for person in people if not isinstance(person, str)]
    if not ids:
        return set()
    return set(
        EmailChoice.objects.filter(user_id__in=ids, daily_digest=True).values_list(
            "user_id", flat=True
        )
    )
