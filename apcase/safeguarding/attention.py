"""The DSL's home page: new concerns to acknowledge and reviews that are due."""

from django.urls import reverse

from apcase.core.attention import AttentionItem

from . import selectors


def items_for(user: object) -> list[AttentionItem]:
    new, due = selectors.dsl_attention(user)  # type: ignore[arg-type]
    items = []
    if new:
        items.append(
            AttentionItem(
                title=f"{new} new safeguarding concern{'s' if new != 1 else ''} to acknowledge",
                href=f"{reverse('safeguarding:list')}?status=new",
                tag="New",
                tag_colour="red",
            )
        )
    if due:
        items.append(
            AttentionItem(
                title=f"{due} safeguarding concern review{'s' if due != 1 else ''} due",
                href=f"{reverse('safeguarding:list')}?status=open",
                tag="Due",
                tag_colour="yellow",
            )
        )
    return items
