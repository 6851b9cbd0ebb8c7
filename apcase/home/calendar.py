"""A person's calendar feed (RFC 5545, written by icalendar; docs/adr/0012): the panel
meetings they sit on or chair, and for the placements they answer for (as named staff
member while they work at the school, or as whoever stands in there: the inclusion lead,
failing that the headteacher, then the DSL, then the authority's officers) the next
review and the next visit due.

Everything is read through the scoped selectors the pages use, for the person the
feed's token belongs to, with their roles now. No pupil's name is written: an event
names the child by initials ("Review due: J. P.") and links to the page, which applies
its own rules when opened. A calendar is read on phones and synced to other services."""

import datetime
from typing import Any

from django.db.models import Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from apcase.accounts.models import User
from apcase.monitoring import selectors as monitoring_selectors
from apcase.notifications.messages import service_name
from apcase.notifications.services import absolute_url
from apcase.panel import selectors as panel_selectors
from apcase.panel.models import PanelMeeting
from apcase.placements import selectors as placement_selectors
from apcase.placements import watch
from apcase.placements.models import Placement
from apcase.reviews import selectors as review_selectors

# A meeting past this many days ago drops out of the feed.
MEETINGS_KEPT_DAYS = 30
MEETING_HOURS = 3


def initials(pupil: Any) -> str:
    """ "J. P.": all a calendar says of a child."""
    first = pupil.preferred_name or pupil.legal_first_name
    last = pupil.preferred_last_name or pupil.legal_last_name
    return " ".join(f"{part[:1].upper()}." for part in (first, last) if part)


def _calendar_entry(
    uid: str, summary: str, path: str, start: Any, *, missing: str = "", **extra: Any
) -> Event:
    """One entry; `missing` (what the date could not be read from) heads its text."""
    event = Event()
    event.add("uid", f"{uid}@apcase")
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtstamp", timezone.now())
    event.add("url", absolute_url(path))
    opening = f"Open in {service_name()}: {absolute_url(path)}"
    event.add("description", f"{missing} {opening}" if missing else opening)
    for name, value in extra.items():
        event.add(name, value)
    return event


def _meetings(user: User, today: datetime.date) -> list[Event]:
    meetings = (
        panel_selectors.meetings_visible_to(user)
        .filter(Q(members=user) | Q(chair=user))
        .filter(
            status=PanelMeeting.Status.SCHEDULED,
            date__gte=today - datetime.timedelta(days=MEETINGS_KEPT_DAYS),
        )
        .distinct()
    )
    events = []
    for meeting in meetings:
        start = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.start_time))
        events.append(
            _calendar_entry(
                f"panel-meeting-{meeting.pk}",
                f"{meeting.panel} meeting",
                reverse("panel:meeting_detail", args=[meeting.pk]),
                start,
                dtend=start + datetime.timedelta(hours=MEETING_HOURS),
                location=meeting.venue or "Online",
            )
        )
    return events


def _placements_answered_for(user: User) -> list[Placement]:
    """The active placements `user` answers for, as a reminder about them would go
    (placements.watch.who_acts_for): those they are the named staff member of while they
    work at the pupil's school, and every one at a school where they stand in, so a
    child whose named staff member has left, or who has none, is in somebody's feed."""
    standing_in = watch.schools_stood_in_for(user)
    candidates = watch.with_staff_memberships(
        placement_selectors.placements_visible_to(user)
        .filter(status=Placement.Status.ACTIVE)
        .filter(Q(named_staff_member=user) | Q(pupil__school_id__in=standing_in))
        .select_related("pupil", "pupil__school", "named_staff_member")
        .order_by("pk")
    )
    mine = [
        placement
        for placement in candidates
        if placement.pupil.school_id in standing_in
        or getattr(watch.named_staff_member_now(placement), "pk", None) == user.pk
    ]
    prefetch_related_objects(mine, "reviews", "review_requests", "visits")
    return mine


def _dates_due(user: User, today: datetime.date) -> list[Event]:
    events = []
    for placement in _placements_answered_for(user):
        who = initials(placement.pupil)
        state = review_selectors.state_of(
            placement,
            list(placement.reviews.all()),
            list(placement.review_requests.all()),
            today=today,
        )
        if state.next is not None:
            events.append(
                _calendar_entry(
                    f"review-{placement.pk}",
                    f"Review due: {who}",
                    reverse("reviews:placement", kwargs={"placement_id": placement.pk}),
                    state.next.due,
                    missing=state.next.missing,
                )
            )
        visit = monitoring_selectors.next_visit_due(placement, list(placement.visits.all()))
        events.append(
            _calendar_entry(
                f"visit-{placement.pk}",
                f"Visit due: {who}",
                reverse("monitoring:placement", kwargs={"placement_id": placement.pk}),
                visit,
            )
        )
    return events


def feed_for(user: User, *, today: datetime.date | None = None) -> bytes:
    today = today or timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//apcase//calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{service_name()}: your dates")
    for event in [*_meetings(user, today), *_dates_due(user, today)]:
        calendar.add_component(event)
    return bytes(calendar.to_ical())
