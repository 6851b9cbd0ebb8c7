"""A person's work list: what the apps report (core.attention), grouped under the role
whose work each item is, then under the list it belongs to, in a fixed order."""

from dataclasses import dataclass

from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.core.attention import AttentionItem, Heading

ROLE_ORDER: list[str] = [role.value for role in Role]


@dataclass(frozen=True)
class WorkList:
    heading: str
    items: tuple[AttentionItem, ...]


@dataclass(frozen=True)
class RoleWork:
    """One role's work: its heading ("Inclusion lead / SENCO") and where it is held."""

    role: str
    label: str
    organisations: str
    lists: tuple[WorkList, ...]


def _place(item: AttentionItem, held: list[str]) -> str:
    return next((role for role in held if role in item.roles), "")


def compose(memberships: list[Membership], items: list[AttentionItem]) -> list[RoleWork]:
    """The role headings in the order of accounts.roles.Role (then "Other work" for an
    item none of the person's roles claims), each with its non-empty lists in the order
    of core.attention.Heading."""
    held = sorted({m.role for m in memberships}, key=ROLE_ORDER.index)
    grouped: dict[str, dict[str, list[AttentionItem]]] = {}
    for item in items:
        grouped.setdefault(_place(item, held), {}).setdefault(item.heading, []).append(item)
    work = []
    for role in [*held, ""]:
        lists = grouped.get(role)
        if not lists:
            continue
        ordered = sorted(
            lists.items(),
            key=lambda pair: Heading.ORDER.index(pair[0]) if pair[0] in Heading.ORDER else 99,
        )
        work.append(
            RoleWork(
                role=role,
                label=Role(role).label if role else "Other work",
                organisations=", ".join(
                    sorted({m.organisation.name for m in memberships if m.role == role})
                ),
                lists=tuple(WorkList(heading, tuple(found)) for heading, found in ordered),
            )
        )
    return work
