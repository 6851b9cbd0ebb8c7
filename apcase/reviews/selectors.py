"""Reads of placement reviews, always through the placement's own scope
(placements.selectors) and then the review rules of access.policies: a review outside
them is "not found", never "forbidden". Reading a review's page or minutes is
access-logged here."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import log_access
from apcase.core.memo import per_page
from apcase.core.queries import any_of
from apcase.placements import watch
from apcase.placements.models import Placement
from apcase.placements.selectors import (
    get_placement_for,
    log_placement_read,
    placement_related,
    placements_on_pupil_page,
    placements_visible_to,
)
from apcase.pupils.models import Carer, Pupil
from apcase.safeguarding.selectors import concerns_in_period_for

from . import schedule
from .models import ObjectiveProgress, ProviderReport, Review, ReviewRequest


def get_placement_for_reviews(user: User, placement_id: int) -> Placement:
    placement = get_placement_for(user, placement_id)
    if not policies.can_read_reviews(user, placement):
        raise Http404("No such placement.")
    return placement


def reviews_to_export(user: User, placement_id: int) -> tuple[Placement, list[Review]]:
    """The placement's reviews, as its reviews page lists them, for a download; the
    export is logged."""
    placement = get_placement_for_reviews(user, placement_id)
    log_placement_read(user, placement, "reviews.exported")
    return placement, reviews_of(placement)


def get_placement_to_review(user: User, placement_id: int) -> Placement:
    placement = get_placement_for(user, placement_id)
    if not policies.can_manage_reviews(user, placement):
        raise Http404("No such placement.")
    return placement


def get_placement_to_report_on(user: User, placement_id: int) -> Placement:
    placement = get_placement_for(user, placement_id)
    if not policies.can_write_provider_report(user, placement):
        raise Http404("No such placement.")
    return placement


def reviews_of(placement: Placement) -> list[Review]:
    return list(
        Review.objects.filter(placement=placement)
        .select_related("held_by")
        .prefetch_related("progress", "carers_attended")
    )


def requests_of(placement: Placement) -> list[ReviewRequest]:
    return list(ReviewRequest.objects.filter(placement=placement).select_related("recorded_by"))


def provider_reports_of(placement: Placement) -> list[ProviderReport]:
    return list(
        ProviderReport.objects.filter(placement=placement)
        .select_related("written_by")
        .prefetch_related("progress")
    )


def carers_of(pupil: Pupil) -> QuerySet[Carer]:
    return Carer.objects.filter(pupil=pupil)


def _reviews_visible_to(user: User) -> QuerySet[Review]:
    return Review.objects.filter(placement__in=placements_visible_to(user)).select_related(
        *placement_related("placement"), "held_by"
    )


def read_review_for(user: User, review_id: int, *, purpose: str = "viewed") -> Review:
    """One review for `user`, access-logged as `review.<purpose>`; 404 for a review
    that is missing and one they may not read alike."""
    review = (
        _reviews_visible_to(user)
        .filter(pk=review_id)
        .prefetch_related(Prefetch("progress", ObjectiveProgress.objects.all()), "carers_attended")
        .first()
    )
    if review is None or not policies.can_read_reviews(user, review.placement):
        raise Http404("No such review.")
    log_placement_read(user, review.placement, f"review.{purpose}", target=review)
    return review


def concerns_in_period(user: User, review: Review) -> int | None:
    """The DSL-only figure: None for everyone but the school's DSL (see safeguarding)."""
    placement = review.placement
    return concerns_in_period_for(user, placement.pupil, review.period_start, review.period_end)


@dataclass(frozen=True)
class OpenRequest:
    request: ReviewRequest
    due: bool  # a review must still be held for it
    within_window: bool  # a review had been held in the window before it


@dataclass(frozen=True)
class ReviewState:
    """Where a placement's reviews stand today."""

    placement: Placement
    last: Review | None
    next: schedule.NextReview | None  # None once the placement has ended
    overdue: bool
    requests: list[OpenRequest]

    @property
    def requests_due(self) -> list[OpenRequest]:
        return [r for r in self.requests if r.due]


def state_of(
    placement: Placement,
    reviews: list[Review],
    requests: list[ReviewRequest],
    *,
    today: datetime.date | None = None,
) -> ReviewState:
    today = today or timezone.localdate()
    held = [r.held_on for r in reviews]
    last = max(reviews, key=lambda r: (r.held_on, r.pk), default=None)
    watched = placement.status == Placement.Status.ACTIVE
    nxt = schedule.next_review(placement, reviews) if watched else None
    return ReviewState(
        placement=placement,
        last=last,
        next=nxt,
        overdue=nxt is not None and nxt.is_overdue(today),
        requests=[
            OpenRequest(
                request=r,
                due=watched and schedule.request_is_due(r.received_on, held),
                within_window=schedule.held_within_window(r.received_on, held),
            )
            for r in requests
        ],
    )


def states_of(
    placements: Iterable[Placement], *, today: datetime.date | None = None
) -> list[ReviewState]:
    """The review state of each placement, read with prefetch_related("reviews",
    "review_requests") (as active_with_reviews does): one query for them all."""
    return [
        state_of(p, list(p.reviews.all()), list(p.review_requests.all()), today=today)
        for p in placements
    ]


def review_state(placement: Placement, *, today: datetime.date | None = None) -> ReviewState:
    return state_of(placement, reviews_of(placement), requests_of(placement), today=today)


def active_with_reviews(scope: Q) -> list[Placement]:
    return list(
        Placement.objects.filter(scope, status=Placement.Status.ACTIVE)
        .select_related("pupil", "pupil__school", "provider", "named_staff_member")
        .prefetch_related("reviews", "review_requests")
        .order_by("pupil__legal_last_name", "pk")
    )


def with_latest_review(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """Each placement with its latest review's dates (`last_held_on`,
    `last_next_review_date`; None when none is held): the review the schedule goes by
    (`schedule.latest`, the latest held, the last recorded of a day), read by the index
    on the placement in the same query."""
    latest = Review.objects.filter(placement_id=OuterRef("pk")).order_by("-held_on", "-pk")
    return placements.annotate(
        last_held_on=Subquery(latest.values("held_on")[:1]),
        last_next_review_date=Subquery(latest.values("next_review_date")[:1]),
    )


def _due_before(day: datetime.date) -> Q:
    """The placements whose next review (`schedule.next_review`) is due before `day`,
    exactly as the rules give it, with one look at the latest review by its index:

    - the latest review names a next review before `day`, or names none and was held
      more than an interval before it;
    - no review held, and the start more than an interval before `day` or the plan's
      first review date before it (the rules take the earlier of the two)."""
    interval_ago = day - schedule.review_interval()
    latest_says_due = (
        Review.objects.filter(placement_id=OuterRef("pk"))
        .order_by("-held_on", "-pk")
        .annotate(
            due=Case(
                When(
                    Q(next_review_date__lt=day)
                    | Q(next_review_date__isnull=True, held_on__lt=interval_ago),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values("due")[:1]
    )
    first_due = Case(
        When(Q(start_date__lt=interval_ago) | Q(first_review_date__lt=day), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return Q(Coalesce(Subquery(latest_says_due), first_due, output_field=BooleanField()))


def _held(placement: Placement) -> list["_Held"]:
    """The latest review of a placement read `with_latest_review`, as the schedule reads
    it (it goes by the latest alone)."""
    held_on: datetime.date | None = placement.last_held_on  # type: ignore[attr-defined]
    if held_on is None:
        return []
    return [_Held(held_on, placement.last_next_review_date)]  # type: ignore[attr-defined]


def needing_review_read_by(user: User) -> list[ReviewState]:
    """`needing_review_for`, for the page that lists them all: it names every child
    whose review is overdue or asked for, so the read is logged (the home page's few
    are not)."""
    states = needing_review_for(user)
    log_access(by=user, action="reviews.due_viewed", target=("reviews_due", ""))
    return states


def _told_of(user: User, prefix: str = "") -> Q | None:
    """The placements whose reviews `user` is told of (`needing_review_for`), as a
    condition on the placement at `prefix` ("placement__" from a review request)."""
    parts = []
    if schools := policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES):
        parts.append(
            Q(
                **{
                    f"{prefix}named_staff_member_id": user.pk,
                    f"{prefix}pupil__school_id__in": schools,
                }
            )
        )
    if stood_in := watch.schools_stood_in_for(user):
        # Whoever stands in (the inclusion lead; at a school with none, the headteacher,
        # then the DSL) answers for every placement of the school, whether or not its
        # named staff member is still there to see the flag (placements.attention).
        parts.append(Q(**{f"{prefix}pupil__school_id__in": stood_in}))
    if las := policies.organisation_ids_for(user, policies.REVIEW_LA_READER_ROLES):
        parts.append(Q(**{f"{prefix}pupil__school__local_authority_id__in": las}))
    return any_of(parts)


def needing_review_for(user: User, *, today: datetime.date | None = None) -> list[ReviewState]:
    """Active placements whose review is overdue or asked for by a parent, for the
    placement's named staff member (while they work at the school), whoever stands in
    at the school (placements.watch.stand_ins) and the officers of the school's local
    authority. Two queries whatever is found: the parents' requests on those placements
    (a few), then the placements overdue or asked for, each with its latest review's
    dates, which is all the rules need (`state_of` reads the same from every review).
    Each state's `last` is not read (None) and its `requests` are those due."""
    scope = _told_of(user)
    if scope is None:
        return []
    today = today or timezone.localdate()
    asked: dict[int, list[ReviewRequest]] = {}
    for request in ReviewRequest.objects.filter(
        _told_of(user, "placement__"), placement__status=Placement.Status.ACTIVE
    ).order_by("-received_on", "-pk"):
        asked.setdefault(request.placement_id, []).append(request)
    placements = (
        with_latest_review(Placement.objects.filter(scope, status=Placement.Status.ACTIVE))
        .filter(_due_before(today) | Q(pk__in=list(asked)))
        .select_related("pupil", "pupil__school", "provider", "named_staff_member")
        .order_by("pupil__legal_last_name", "pk")
    )
    window = schedule.request_window()
    states = []
    for placement in placements:
        nxt = schedule.next_review(placement, _held(placement))
        last_held = placement.last_held_on  # type: ignore[attr-defined]
        # Due while no review is held on or after the window before the request: the
        # latest review alone says (schedule.request_is_due); one due had none in the
        # window before it.
        due = [
            OpenRequest(request=r, due=True, within_window=False)
            for r in asked.get(placement.pk, [])
            if last_held is None or last_held < r.received_on - window
        ]
        state = ReviewState(
            placement=placement,
            last=None,
            next=nxt,
            overdue=nxt.is_overdue(today),
            requests=due,
        )
        if state.overdue or due:
            states.append(state)
    return states


def since(state: ReviewState) -> datetime.date:
    """The day a state needing review has been waiting since: its review's due date when
    overdue, else the earliest parent's request a review must still answer."""
    days = [r.request.received_on for r in state.requests_due]
    if state.overdue and state.next is not None:
        days.append(state.next.due)
    return min(days, default=datetime.date.max)


def most_urgent_first(states: list[ReviewState]) -> list[ReviewState]:
    """States needing review, the longest waiting first (then by placement, a total
    order: a page of them never overlaps the next)."""
    return sorted(states, key=lambda state: (since(state), state.placement.pk))


@per_page(key=lambda pupil: pupil.pk)
def states_of_pupil(pupil: Pupil) -> list[ReviewState]:
    """Each of the pupil's placements that has been active (the caller may see the
    pupil), newest first; read once for one pupil page (core.memo), from the
    placements the page's other sections read (placements_on_pupil_page), with their
    reviews and parents' requests."""
    placements = [
        p for p in placements_on_pupil_page(pupil) if p.status != Placement.Status.PLANNED
    ]
    prefetch_related_objects(placements, "reviews", "review_requests")
    return states_of(placements)


# The provider is asked for its report this many days before a review is due.
REPORT_ASKED_DAYS_BEFORE = 14


def reports_due_for(
    user: User, *, today: datetime.date | None = None
) -> list[tuple[Placement, datetime.date]]:
    """(placement, review due) for the provider's active placements whose review is
    due within REPORT_ASKED_DAYS_BEFORE days (or overdue) and that have no report from
    the provider since the last review (or the start)."""
    today = today or timezone.localdate()
    provider_ids = policies.organisation_ids_for(user, policies.PROVIDER_ROLES)
    if not provider_ids:
        return []
    asked_by = today + datetime.timedelta(days=REPORT_ASKED_DAYS_BEFORE)
    # What the rules read of each placement, in the one query: its latest review's
    # dates (the schedule goes by the latest alone) and when the provider last wrote a
    # report. A page asks as many queries whatever it finds.
    placements = (
        with_latest_review(
            Placement.objects.filter(provider_id__in=provider_ids, status=Placement.Status.ACTIVE)
        )
        # Only those whose review is due by then: the rest are not worked out.
        .filter(_due_before(asked_by + datetime.timedelta(days=1)))
        .annotate(
            last_report_at=Subquery(
                ProviderReport.objects.filter(placement_id=OuterRef("pk"))
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
        )
        .select_related("pupil", "pupil__school", "provider")
        .order_by("pupil__legal_last_name", "pk")
    )
    due: list[tuple[Placement, datetime.date]] = []
    for placement in placements:
        held_on: datetime.date | None = placement.last_held_on  # type: ignore[attr-defined]
        nxt = schedule.next_review(placement, _held(placement))
        if nxt.due > asked_by:
            continue
        since = held_on if held_on is not None else placement.start_date
        last_report: datetime.datetime | None = placement.last_report_at
        # A report written on or after that day (the latest is, if any is).
        if last_report is None or timezone.localdate(last_report) < since:
            due.append((placement, nxt.due))
    return due


def reports_due_read_by(user: User) -> list[tuple[Placement, datetime.date]]:
    """`reports_due_for`, for the page that lists them all: it names every child whose
    review the provider is to report on, so the read is logged (the home page's few are
    not)."""
    due = reports_due_for(user)
    log_access(by=user, action="reviews.reports_due_viewed", target=("reports_due", ""))
    return due


@dataclass
class _Held:
    """A review as the schedule reads it (schedule.HeldReview)."""

    held_on: datetime.date
    next_review_date: datetime.date | None
