from collections.abc import Callable
from typing import Any

from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.core.pagination import paginate, render_paged
from apcase.core.pdf import pdf_download, printed
from apcase.core.spreadsheets import Sheet, download
from apcase.core.viewhelpers import Target, handle_form
from apcase.placements.models import Placement, PlacementObjective

from . import schedule, selectors, services
from .forms import ProviderReportForm, RequestForm, ReviewForm
from .models import Decision, Review


def _placement_url(placement_id: int) -> str:
    return reverse("reviews:placement", kwargs={"placement_id": placement_id})


def _objectives(placement: Placement) -> list[PlacementObjective]:
    return list(placement.objectives.all())


def after_review(review: Review) -> str:
    """Where the person who held the review goes next: to make the reintegration plan
    when that was the decision (the reintegration app's page, when it is installed),
    otherwise to the review."""
    if review.decision == Decision.REINTEGRATE:
        try:
            return reverse("reintegration:create", args=[review.placement_id])
        except NoReverseMatch:
            return reverse("placements:detail", kwargs={"placement_id": review.placement_id})
    return reverse("reviews:detail", kwargs={"review_id": review.pk})


@access_rule(policies.can_view_reviews)
def placement_reviews(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_for_reviews(request.user, placement_id)
    state = selectors.review_state(placement)
    reviews = selectors.reviews_of(placement)
    can_manage = policies.can_manage_reviews(request.user, placement)
    return render(
        request,
        "reviews/placement.html",
        {
            "placement": placement,
            "state": state,
            "reviews": reviews,
            "reports": selectors.provider_reports_of(placement),
            "can_manage": can_manage and placement.status == Placement.Status.ACTIVE,
            "can_report": policies.can_write_provider_report(request.user, placement),
            "interval_weeks": schedule.review_interval().days // 7,
            "request_window_weeks": schedule.request_window().days // 7,
            "today": timezone.localdate(),
        },
    )


REVIEW_COLUMNS = ("UPN", "Pupil", "Provider", "Date", "Decision", "Next review")


@access_rule(policies.can_view_reviews)
def placement_reviews_export(
    request: SignedInRequest, placement_id: int, fmt: str
) -> HttpResponseBase:
    """The reviews the placement's page lists, as CSV or XLSX (one pupil's: logged)."""
    placement, reviews = selectors.reviews_to_export(request.user, placement_id)
    pupil = placement.pupil
    rows = [
        (
            pupil.upn,
            pupil.display_name,
            placement.provider.name,
            review.held_on,
            review.get_decision_display(),
            review.next_review_date or "None",
        )
        for review in reviews
    ]
    return download(fmt, Sheet(f"reviews-{pupil.upn}-{placement.pk}", REVIEW_COLUMNS, rows))


def _form_page(
    request: SignedInRequest,
    placement: Placement,
    form: Any,
    save: Callable[[], Any],
    *,
    done: str,
    heading: str,
    redirect_to: Target | None = None,
    **context: Any,
) -> HttpResponse:
    """A review form about `placement`: on a valid post call `save` (a service), say
    `done` and go to `redirect_to` (the placement's reviews unless named)."""
    return handle_form(
        request,
        form,
        save,
        success_message=done,
        redirect_to=redirect_to or _placement_url(placement.pk),
        template="reviews/form.html",
        context={"placement": placement, "heading": heading, **context},
    )


@access_rule(policies.can_hold_reviews)
def hold(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_review(request.user, placement_id)
    form = ReviewForm(
        request.POST or None,
        placement=placement,
        objectives=_objectives(placement),
        carers=selectors.carers_of(placement.pupil),
    )
    return _form_page(
        request,
        placement,
        form,
        lambda: services.hold_review(placement, by=request.user, record=form.record()),
        done="Review saved.",
        heading="Record a review",
        redirect_to=after_review,
        state=selectors.review_state(placement),
        reports=selectors.provider_reports_of(placement)[:1],
        interval_weeks=schedule.review_interval().days // 7,
    )


@access_rule(policies.can_hold_reviews)
def record_request(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_review(request.user, placement_id)
    form = RequestForm(request.POST or None, carers=selectors.carers_of(placement.pupil))
    return _form_page(
        request,
        placement,
        form,
        lambda: services.record_request(placement, by=request.user, **form.cleaned_data),
        done="Request recorded.",
        heading="A parent's written request for a review",
        request_window_weeks=schedule.request_window().days // 7,
    )


@access_rule(policies.can_write_provider_reports)
def provider_report(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_report_on(request.user, placement_id)
    form = ProviderReportForm(request.POST or None, objectives=_objectives(placement))
    return _form_page(
        request,
        placement,
        form,
        lambda: services.write_provider_report(
            placement,
            by=request.user,
            attendance=form.cleaned_data["attendance"],
            behaviour=form.cleaned_data["behaviour"],
            child_said=form.cleaned_data["child_said"],
            progress=form.findings(),
        ),
        done="Report sent to the school for the review.",
        heading="Your report for the next review",
    )


def _review_context(request: SignedInRequest, review: Review) -> dict[str, Any]:
    return {
        "review": review,
        "placement": review.placement,
        "pupil": review.placement.pupil,
        "progress": list(review.progress.all()),
        # The DSL-only part: None (shown as nothing at all) for everyone else.
        "concerns": selectors.concerns_in_period(request.user, review),
        **printed(request.user),
    }


@access_rule(policies.can_view_reviews)
def detail(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.read_review_for(request.user, review_id)
    return render(request, "reviews/detail.html", _review_context(request, review))


@access_rule(policies.can_view_reviews)
def minutes_pdf(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = selectors.read_review_for(request.user, review_id, purpose="minutes_printed")
    # The minutes are shared with the family and the provider: never the DSL-only part,
    # whoever prints them.
    context = {**_review_context(request, review), "concerns": None}
    return pdf_download(
        "reviews/minutes_pdf.html", context, filename=f"review-minutes-{review.pk}.pdf"
    )


@access_rule(policies.can_write_provider_reports)
def reports_due(request: SignedInRequest) -> HttpResponse:
    """Every placement at the user's providers whose review is near with no report from
    the provider since the last (the home page lists the first and links here for the
    rest), by the child's name, a page at a time."""
    rows = selectors.reports_due_read_by(request.user)
    return render_paged(request, "reviews/reports_due.html", rows, noun="report")


@access_rule(policies.can_see_reviews_due)
def due(request: SignedInRequest) -> HttpResponse:
    """Every placement review overdue or asked for by a parent that the user is told of
    (the home page lists the most overdue and links here for the rest), longest waiting
    first, a page at a time."""
    states = selectors.most_urgent_first(selectors.needing_review_read_by(request.user))
    paged = paginate(request, states, noun="placement")
    rows = [{"state": state, "since": selectors.since(state)} for state in paged.rows]
    return render(request, "reviews/due.html", {"paged": paged, "rows": rows})
