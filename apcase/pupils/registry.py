"""What the apps above pupils add to a pupil: who else may see the pupil, and sections of
the pupil's page.

pupils sits below referrals, placements and monitoring (docs/architecture.md), so it
never imports them. Each of those apps registers what it adds from its AppConfig.ready(),
as apps add home-page items to core.attention:

- `register_scope(name, scope, rank=...)`: a party that may see pupils, e.g. the panel
  (referrals) or the provider of a placement (placements). `scope(user)` is a Q over
  Pupil, or None when the user is not that party. `rank` orders the parties by how much
  each may see; the first that admits a pupil decides which view of the pupil the user
  gets (pupils.selectors.view_of_pupil_for).
- `register_section(PupilSection(...))`: a section of the school's view of the pupil
  page, shown after the pupil's own sections, in `rank` order, with its template and the
  context it needs."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, Q
from django.urls import reverse

from apcase.accounts.models import User
from apcase.core.memo import one_page

from .models import Pupil

Scope = Callable[[Any], Q | None]

# (view name, scope), in rank order. pupils.selectors reads it on every call, so a
# scope registered after that module was imported counts.
SCOPES: list[tuple[str, Scope]] = []
_scope_ranks: dict[str, int] = {}


def register_scope(name: str, scope: Scope, *, rank: int) -> None:
    if name in _scope_ranks:
        return
    _scope_ranks[name] = rank
    SCOPES.append((name, scope))
    SCOPES.sort(key=lambda entry: _scope_ranks[entry[0]])


@dataclass(frozen=True)
class PupilSection:
    """One section of the pupil page. `title` is its link in the page's contents (none
    when empty, for a part of the section before it); `anchor` the id it links to.
    `context(pupil)` gives what `template` reads, as `section`."""

    anchor: str
    title: str
    template: str
    context: Callable[[Any], dict[str, Any]]
    rank: int = 0
    # What depends on who is looking, e.g. comments only some roles may read:
    # `for_viewer(pupil, user)`, merged into the context.
    for_viewer: Callable[[Any, Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class ShownSection:
    anchor: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


_sections: list[PupilSection] = []


def register_section(section: PupilSection) -> None:
    if all(s.anchor != section.anchor for s in _sections):
        _sections.append(section)
        _sections.sort(key=lambda s: s.rank)


def sections_for(pupil: Pupil, viewer: Any = None) -> list[ShownSection]:
    """Each section with its context. The sections only read, so what several of
    them ask (the pupil's placements) is read once for them all (core.memo)."""
    shown = []
    with one_page():
        for s in _sections:
            context = s.context(pupil)
            if s.for_viewer is not None:
                context = {**context, **s.for_viewer(pupil, viewer)}
            shown.append(ShownSection(s.anchor, s.title, s.template, context))
    return shown


@dataclass(frozen=True)
class PupilRecord:
    """One record about a pupil that another record may point to (a safeguarding
    concern linked to the referral or placement it bears on): its kind, id, a label
    that says which one it is, and its page."""

    kind: str
    id: int
    label: str
    href: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


Found = TypeVar("Found", bound=Model)


def pupil_records(
    kind: str, found: Iterable[Found], *, url: str, label: Callable[[Found], str]
) -> list[PupilRecord]:
    """`found`, records of one kind, as PupilRecords: each worded by `label` and linked
    to its page, the URL named `url` with the record's id."""
    return [
        PupilRecord(
            kind=kind, id=record.pk, label=label(record), href=reverse(url, args=[record.pk])
        )
        for record in found
    ]


@dataclass(frozen=True)
class PupilLink:
    """A page about the pupil another app offers someone who does not see the school's
    pupil page (the provider): its words, where it goes, and the record it belongs to
    (`group`, a heading such as the placement's)."""

    label: str
    href: str
    group: str


LinksOf = Callable[[Pupil, Any], list[PupilLink]]
_links: list[LinksOf] = []


def register_links(links_of: LinksOf) -> None:
    if links_of not in _links:
        _links.append(links_of)


def links_for(pupil: Pupil, user: User) -> list[PupilLink]:
    """Every registered app's links for `user` about `pupil`, grouped in order."""
    found = [link for links_of in _links for link in links_of(pupil, user)]
    groups = list(dict.fromkeys(link.group for link in found))
    return sorted(found, key=lambda link: groups.index(link.group))


# Who is named on a pupil's placement (registered by placements): named_for(pupil, user)
# is True when `user` is the named staff member of one of the pupil's open placements.
NamedFor = Callable[[Pupil, Any], bool]
_named_for: list[NamedFor] = []


def register_named_for(named_for: NamedFor) -> None:
    if named_for not in _named_for:
        _named_for.append(named_for)


def is_named_for(pupil: Pupil, user: User) -> bool:
    return any(named_for(pupil, user) for named_for in _named_for)


# kind -> records_of(pupil, user): the pupil's records of that kind `user` may see.
RecordsOf = Callable[[Pupil, Any], list[PupilRecord]]
_records: dict[str, RecordsOf] = {}


def register_records(kind: str, records_of: RecordsOf) -> None:
    _records.setdefault(kind, records_of)


def records_of(pupil: Pupil, user: User) -> list[PupilRecord]:
    """Every registered kind's records of `pupil` that `user` may see."""
    return [record for kind in sorted(_records) for record in _records[kind](pupil, user)]


def record_of(pupil: Pupil, user: User, key: str) -> PupilRecord | None:
    """The record "kind:id" of `pupil`, if `user` may see it; None otherwise."""
    return next((r for r in records_of(pupil, user) if r.key == key), None)
