"""What needs a user's attention on their home page. Each app contributes a provider
function; the home page asks them all. Apps register in their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apcase.accounts.models import User


@dataclass(frozen=True)
class AttentionItem:
    title: str
    href: str
    detail: str = ""
    tag: str = ""  # e.g. "Overdue", shown as a GOV.UK tag
    tag_colour: str = ""  # a GOV.UK tag colour: "red" (or "govuk-tag--red"), for {% govuk_tag %}


_providers: list[Callable[[Any], list[AttentionItem]]] = []


def register(provider: Callable[[Any], list[AttentionItem]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def items_for(user: "User") -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return items
