"""Home-page items of daily monitoring:

- the school's inclusion lead and headteacher: each child in alternative provision now,
  with today's attendance (present, absent, not yet recorded);
- the school: open follow-ups, oldest first (the named staff member's and, at their
  schools, the DSL's, inclusion lead's and headteacher's), overdue visits for the named
  staff member (or, when nobody named works at the school now, its inclusion lead),
  absences still to code;
- the provider: today's registers not yet taken (computed when the page is shown, so a
  missed register is listed whether or not the cut-off check has run), and the weekly
  check-ins not yet recorded (past 20, a count linking to the page listing every one)."""

import datetime

from django.db.models import Count, IntegerField, Subquery, Window
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.core.attention import (
    AttentionItem,
    Heading,
    all_listed_at,
    capped,
    capped_in_one_read,
    capped_list,
)
from apcase.core.words import counted, govuk_time
from apcase.placements.models import Placement

from . import selectors
from .models import FollowUpTask, Session

SCHOOL = frozenset(policies.SCHOOL_PUPIL_ROLES)
PROVIDER = frozenset(policies.PROVIDER_ROLES)
FOLLOW_UPS_SHOWN = 20
IN_AP_SHOWN = 20  # past it, one item says how many children and links to them all
IN_AP_WATCHERS = frozenset(selectors.IN_AP_WATCHER_ROLES)
CHECK_INS_SHOWN = 20  # past it, one item says how many and links to them all
VISITS_SHOWN = 20  # past it, one item says how many and links to them all
VISIT_ARRANGERS = SCHOOL | {Role.LA_OFFICER}
STATE_COLOURS = {
    "Present": "green",
    "Absent": "red",
    "Not yet recorded": "yellow",
    "Not expected today": "grey",
}


def _placement_url(placement_id: int) -> str:
    return reverse("monitoring:placement", kwargs={"placement_id": placement_id})


def _in_ap(row: selectors.InApToday) -> AttentionItem:
    return AttentionItem(
        title=f"{row.placement.pupil.display_name} at {row.placement.provider}",
        href=_placement_url(row.placement.pk),
        detail="Today: "
        + (
            ", ".join(f"{m.get_session_display()} {m.observed_label}" for m in row.marks)
            or "no register marks yet."
        ),
        tag=row.state,
        tag_colour=STATE_COLOURS[row.state],
        roles=IN_AP_WATCHERS,
        heading=Heading.IN_AP_NOW,
    )


def in_ap_now(user: User) -> list[AttentionItem]:
    """The first IN_AP_SHOWN children in alternative provision today by surname, each
    with today's attendance, and past them one item with how many there are in all,
    linking to the page listing every one (core.attention.capped's rule). How many
    placements and how many children there are is read in the query of the first (a
    window count, and a count of the children computed once for the query), and the
    marks of those shown in one more: two queries however long the list."""
    if not policies.can_watch_in_ap_today(user):
        return []
    today = timezone.localdate()
    # Each item names the child and the provider: nothing else is joined.
    placements = (
        selectors.in_ap_today_placements(user, today=today)
        .select_related(None)
        .select_related("pupil", "provider")
    )
    # A child may attend two providers (one additional part time): the list has a row
    # a placement, the count says how many children.
    children = selectors.in_ap_today_children(user, today=today)
    first = list(
        placements.annotate(
            _in_all=Window(Count("pk")), _children=Subquery(children, output_field=IntegerField())
        )[:IN_AP_SHOWN]
    )
    items = [_in_ap(row) for row in selectors.with_todays_marks(first, today=today)]
    if first and first[0]._in_all > IN_AP_SHOWN:
        more = all_listed_at(
            "children in alternative provision today",
            reverse("monitoring:in_ap_today"),
            shown=f"The first {IN_AP_SHOWN} by surname",
            roles=IN_AP_WATCHERS,
            heading=Heading.IN_AP_NOW,
        )
        items.append(more(first[0]._children))
    return items


def _follow_up(task: FollowUpTask) -> AttentionItem:
    return AttentionItem(
        title=f"Follow up: {task.placement.pupil.display_name}",
        href=reverse("monitoring:close_task", kwargs={"task_id": task.pk}),
        detail=f"{task.date:%-d %B %Y}: {task.detail}",
        tag=task.get_kind_display(),
        tag_colour="red",
        roles=SCHOOL,
        heading=Heading.FOLLOW_UPS,
    )


def items_for(user: User) -> list[AttentionItem]:
    return _follow_ups(user) + _overdue_visits(user)


def _follow_ups(user: User) -> list[AttentionItem]:
    if not policies.can_follow_up(user):
        return []
    return capped(
        # Each item names the child: nothing else is joined.
        selectors.open_follow_ups_for(user).select_related(None).select_related("placement__pupil"),
        _follow_up,
        shown=FOLLOW_UPS_SHOWN,
        more=all_listed_at(
            "open follow-ups",
            reverse("monitoring:tasks"),
            shown=f"The oldest {FOLLOW_UPS_SHOWN}",
            roles=SCHOOL,
            heading=Heading.FOLLOW_UPS,
        ),
    )


def _overdue_visit(row: tuple[Placement, datetime.date]) -> list[AttentionItem]:
    placement, due = row
    return [
        AttentionItem(
            title=f"Visit {placement.pupil.display_name} at {placement.provider}",
            href=_placement_url(placement.pk),
            detail=f"A visit was due by {due:%-d %B %Y}.",
            tag="Overdue",
            tag_colour="red",
            roles=VISIT_ARRANGERS,
            heading=Heading.DUE,
        )
    ]


def _overdue_visits(user: User) -> list[AttentionItem]:
    """Overdue visits the user is to arrange: the school's staff, and an authority's
    officers at a school where nobody else can stand in (selectors.overdue_visits_for,
    every placement of such schools across the authority). The VISITS_SHOWN overdue
    longest and, past them, one item with how many placements in all, linking to the
    page listing every one (a child placed at two providers is counted for each)."""
    return capped_list(
        selectors.overdue_visits_for(user, today=timezone.localdate()),
        _overdue_visit,
        shown=VISITS_SHOWN,
        more=all_listed_at(
            "placements with a visit overdue",
            reverse("monitoring:overdue_visits"),
            shown=f"The {VISITS_SHOWN} overdue longest",
            roles=VISIT_ARRANGERS,
            heading=Heading.DUE,
        ),
    )


def absences_to_code(user: User) -> list[AttentionItem]:
    """One item with the count of absences the home school has still to code."""
    if not policies.can_code_attendance(user):
        return []
    count = selectors.absences_to_code_for(user).count()
    if not count:
        return []
    return [
        AttentionItem(
            title=f"{counted(count, 'absence')} to code",
            href=reverse("monitoring:absences"),
            detail="Providers reported these absences: give each its attendance code. "
            "Until then they show as N.",
            tag="To code",
            tag_colour="orange",
            roles=SCHOOL,
            heading=Heading.ATTENDANCE,
        )
    ]


def registers_not_taken(user: User) -> list[AttentionItem]:
    if not policies.can_take_registers(user):
        return []
    items = []
    for due in selectors.registers_not_taken_for(user, now=timezone.now()):
        label = Session(due.session).label.lower()
        pupils = counted(due.unmarked, "pupil")
        items.append(
            AttentionItem(
                title=f"Take the {label} register at {due.provider}",
                href=f"{reverse('monitoring:register')}?provider={due.provider.pk}"
                f"&date={due.day:%Y-%m-%d}&session={due.session}",
                detail=(
                    f"Missed: the cut-off was {govuk_time(due.cutoff)}. "
                    f"{pupils} not marked: take it now."
                    if due.missed
                    else f"{pupils} not marked yet. Due by {govuk_time(due.cutoff)}."
                ),
                tag="Missed" if due.missed else "Due",
                tag_colour="red" if due.missed else "yellow",
                roles=PROVIDER,
                heading=Heading.REGISTERS,
            )
        )
    return items


def _check_in(placement: Placement) -> AttentionItem:
    return AttentionItem(
        title=f"Weekly check-in: {placement.pupil.display_name}",
        href=reverse("monitoring:check_in", kwargs={"placement_id": placement.pk}),
        detail="No check-in recorded this week yet.",
        tag="Due",
        tag_colour="yellow",
        roles=PROVIDER,
        heading=Heading.CHECK_INS,
    )


def check_ins_due(user: User) -> list[AttentionItem]:
    """The first CHECK_INS_SHOWN pupils without this week's check-in (by name); past
    them, one item says how many there are in all and links to the page listing every
    one (a large provider has over a hundred pupils)."""
    if not policies.can_take_registers(user):
        return []
    return capped_in_one_read(
        selectors.check_ins_due_for(user, today=timezone.localdate()),
        _check_in,
        shown=CHECK_INS_SHOWN,
        more=all_listed_at(
            "pupils without this week's check-in",
            reverse("monitoring:check_ins_due"),
            shown=f"The first {CHECK_INS_SHOWN}",
            roles=PROVIDER,
            heading=Heading.CHECK_INS,
        ),
    )
