"""Reminders (notifications.reminders) of monitoring, each once:

- **visit overdue**: a visit by the named staff member is overdue, once per placement
  and due date (the date the next visit was due: a visit recorded moves it), to
  whoever acts for the placement (placements.watch.who_acts_for);
- **register not submitted**: a provider left a day's register incomplete (the school
  was told at the cut-off, `check_registers`, and follow-ups are open), once per
  provider and day, to the provider's staff and managers, who must mark it: a
  correction records where each child was. A provider where nobody holds a role now
  (no account yet, or everyone has left) cannot mark it: the reminder then goes to
  whoever acts for each child's placement at the school (who_acts_for), never to
  nobody. Always emailed at once (urgent), never held for a digest: where each child
  was is not known."""

import datetime
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse

from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.notifications.reminders import Due, key
from apcase.placements import watch
from apcase.placements.models import Placement

from . import selectors
from .models import FollowUpTask

# A register is reminded of for this many days after the day it was missed.
REGISTER_DAYS_BACK = 7


def visits_overdue(today: datetime.date) -> Iterator[Due]:
    for placement, due in selectors.overdue_visits(Q(), today=today):
        yield watch.reminder(
            "visit_overdue",
            placement,
            due,
            template="monitoring/messages/visit_overdue.txt",
            link=reverse("monitoring:placement", kwargs={"placement_id": placement.pk}),
        )


def registers_missing(today: datetime.date) -> Iterator[Due]:
    missing: dict[tuple[int, datetime.date], list[FollowUpTask]] = {}
    for task in (
        FollowUpTask.objects.filter(
            kind=FollowUpTask.Kind.REGISTER_MISSING,
            status=FollowUpTask.Status.OPEN,
            date__lt=today,
            date__gte=today - datetime.timedelta(days=REGISTER_DAYS_BACK),
        )
        .select_related("placement__provider")
        .order_by("date", "pk")
    ):
        missing.setdefault((task.placement.provider_id, task.date), []).append(task)
    for (_, day), tasks in missing.items():
        provider = tasks[0].placement.provider
        to = holders(provider, [Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF])
        at_provider = bool(to)
        yield Due(
            key=key("register_missing", f"provider:{provider.pk}", day),
            template="monitoring/messages/register_missing.txt",
            to=to or _schools_acting_for(tasks),
            # The school cannot mark a provider's register: it finds out where each
            # child was and records it on its follow-ups.
            link=(
                f"{reverse('monitoring:register')}?provider={provider.pk}&date={day}"
                if at_provider
                else reverse("monitoring:tasks")
            ),
            context={
                "day": day,
                "count": len({t.placement_id for t in tasks}),
                "provider": provider,
                "at_provider": at_provider,
            },
            urgent=True,
        )


def _schools_acting_for(tasks: list[FollowUpTask]) -> list[User]:
    """Whoever acts for each child's placement at their school (a provider where
    nobody holds a role cannot mark its register)."""
    people: dict[int, User] = {}
    placements = watch.with_staff_memberships(
        Placement.objects.filter(pk__in={t.placement_id for t in tasks})
        .select_related("pupil__school", "named_staff_member")
        .order_by("pk")
    )
    for placement in placements:
        for person in watch.who_acts_for(placement):
            people.setdefault(person.pk, person)
    return list(people.values())
