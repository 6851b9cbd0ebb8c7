"""The DSL's home page: new concerns to acknowledge and reviews that are due."""

from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.core.attention import AttentionItem, Heading, all_listed_at, capped
from apcase.core.words import counted

from . import selectors
from .models import ChildProtectionTransfer

READERS = frozenset(policies.CONCERN_READER_ROLES)
TRANSFERS_SHOWN = 20  # past it, one item says how many and links to them all


def items_for(user: object) -> list[AttentionItem]:
    new, due = selectors.dsl_attention(user)  # type: ignore[arg-type]
    items = []
    if new:
        items.append(
            _concerns(
                f"{counted(new, 'new safeguarding concern')} to acknowledge", "new", "New", "red"
            )
        )
    if due:
        items.append(
            _concerns(f"{counted(due, 'safeguarding concern review')} due", "open", "Due", "yellow")
        )
    items += capped(
        selectors.transfers_due(user),  # type: ignore[arg-type]
        _transfer,
        shown=TRANSFERS_SHOWN,
        more=all_listed_at(
            "child protection files to send",
            reverse("safeguarding:transfers_due"),
            shown=f"The {TRANSFERS_SHOWN} due soonest",
            roles=READERS,
            heading=Heading.SAFEGUARDING,
        ),
    )
    return items


def _concerns(title: str, status: str, tag: str, tag_colour: str) -> AttentionItem:
    """An item linking to the list of concerns of this `status`."""
    return AttentionItem(
        title=title,
        href=f"{reverse('safeguarding:list')}?status={status}",
        tag=tag,
        tag_colour=tag_colour,
        roles=READERS,
        heading=Heading.SAFEGUARDING,
    )


def _transfer(transfer: ChildProtectionTransfer) -> AttentionItem:
    late = transfer.due_by < timezone.localdate()
    return AttentionItem(
        title=f"Send the child protection file of {transfer.pupil.display_name}",
        href=reverse("safeguarding:transfers", args=[transfer.pupil_id]),
        detail=f"To {transfer.destination}, by {transfer.due_by:%-d %B %Y}",
        tag="Overdue" if late else "Due",
        tag_colour="red" if late else "yellow",
        roles=READERS,
        heading=Heading.SAFEGUARDING,
    )
