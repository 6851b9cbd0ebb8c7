"""Reintegration plan pages. Reads go through `selectors` (the placement's scope),
changes through `services` and `workflow`."""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.core.pdf import pdf_download
from apcase.core.viewhelpers import Once, handle_form, run_action
from apcase.placements.selectors import get_placement_for

from . import notify, rules, selectors, services, workflow
from .forms import (
    AgreementForm,
    CompleteForm,
    PhaseForm,
    PlanForm,
    ProgressForm,
    ReviewPointForm,
    WithdrawForm,
)
from .models import PlanStatus, ReintegrationPlan


def _detail_url(plan: ReintegrationPlan) -> str:
    return reverse("reintegration:detail", args=[plan.pk])


def _plan_context(plan: ReintegrationPlan) -> dict[str, Any]:
    phases, points = selectors.plan_parts(plan)
    missing = (
        rules.missing_before_agreeing(plan, phases, points)
        if plan.status == PlanStatus.DRAFT
        else []
    )
    part_time = any(rules.is_part_time(p) for p in phases)
    return {
        "plan": plan,
        "placement": plan.placement,
        "pupil": plan.placement.pupil,
        "phases": [
            {
                "phase": p,
                "part_time": rules.is_part_time(p),
                "first_day": rules.first_day(plan, p),
                "last_day": rules.last_day(plan, p),
                "at_school": [rules.session_label(s) for s in p.at_school],
                "at_provider": [rules.session_label(s) for s in p.at_provider],
            }
            for p in phases
        ],
        "weeks": rules.part_time_weeks(plan, phases),
        "sessions": [rules.session_label(s) for s in rules.SESSIONS],
        "review_points": points,
        "missing": [m for _, m in missing],
        "part_time": part_time,
        "past_target": rules.is_past_target(plan),
        "la_officers": notify.la_officer_emails(plan) if part_time else [],
        "today": timezone.localdate(),
        "c2": rules.PART_TIME_CODE,
        "full_week": rules.FULL_WEEK_SESSIONS,
    }


@access_rule(policies.can_view_reintegration)
def create(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = get_placement_for(request.user, placement_id)
    if not policies.can_manage_reintegration(request.user, placement):
        raise Http404("No such placement.")
    initial = {"named_adult": placement.named_staff_member, "start_date": timezone.localdate()}
    form = PlanForm(request.POST or None, initial=initial, pupil=placement.pupil)
    return handle_form(
        request,
        form,
        lambda: services.create_plan(
            placement,
            by=request.user,
            review=selectors.review_starting_reintegration(placement),
            **form.cleaned_data,
        ),
        success_message="Reintegration plan drafted. Add its phases.",
        redirect_to=_detail_url,
        template="reintegration/form.html",
        context={
            "pupil": placement.pupil,
            "heading": "Start a reintegration plan",
            "back": reverse("placements:detail", args=[placement.pk]),
        },
        once=Once("reintegration.create", "This plan was already drafted."),
    )


@access_rule(policies.can_view_reintegration)
def work_list(request: SignedInRequest) -> HttpResponse:
    """Every reintegration item of the user's home page, none left out: the plans past
    their target date, the reviews due and the plans to agree (the home page shows the
    first of each kind and links here for the rest)."""
    today = timezone.localdate()
    return render(
        request,
        "reintegration/work_list.html",
        selectors.work_list_read_by(request.user, today),
    )


@access_rule(policies.can_view_reintegration)
def detail(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, plan_id)
    context = _plan_context(plan)
    context["can_manage"] = policies.can_manage_reintegration(request.user, plan.placement)
    context["can_complete"] = policies.can_complete_reintegration(request.user, plan.placement)
    context["can_review"] = policies.can_review_reintegration(request.user, plan)
    context["can_read_review"] = policies.can_read_reviews(request.user, plan.placement)
    return render(request, "reintegration/detail.html", context)


@access_rule(policies.can_view_reintegration)
def la_letter(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, plan_id, action="reintegration.la_letter_read")
    return pdf_download(
        "reintegration/la_letter.html",
        _plan_context(plan),
        filename=f"part-time-timetable-notice-{plan.pk}.pdf",
    )


def _form_page(
    request: SignedInRequest,
    plan: ReintegrationPlan,
    form: Any,
    save: Callable[[], Any],
    *,
    heading: str,
    done: str,
) -> HttpResponse:
    return handle_form(
        request,
        form,
        save,
        success_message=done,
        redirect_to=_detail_url(plan),
        template="reintegration/form.html",
        context={
            "plan": plan,
            "pupil": plan.placement.pupil,
            "heading": heading,
            "back": _detail_url(plan),
        },
    )


def _plan_form_view(
    form_class: type[forms.Form],
    save: Callable[..., object],
    *,
    heading: str,
    done: str,
    initial: Callable[[ReintegrationPlan], dict[str, Any]] | None = None,
    for_pupil: bool = False,
) -> Callable[[SignedInRequest, int], HttpResponse]:
    """A plan form whose values go to `save(plan, by=user, **values)`: `initial` fills
    it from the plan; `for_pupil` gives the form the pupil (whose school's staff or
    carers it offers)."""

    @access_rule(policies.can_view_reintegration)
    def view(request: SignedInRequest, plan_id: int) -> HttpResponse:
        plan = selectors.get_plan_to_manage(request.user, plan_id)
        extra: dict[str, Any] = {"pupil": plan.placement.pupil} if for_pupil else {}
        form = form_class(request.POST or None, initial=initial(plan) if initial else None, **extra)
        return _form_page(
            request,
            plan,
            form,
            lambda: save(plan, by=request.user, **form.cleaned_data),
            heading=heading,
            done=done,
        )

    return view


def _fields_of(names: Iterable[str]) -> Callable[[ReintegrationPlan], dict[str, Any]]:
    return lambda plan: {name: getattr(plan, name) for name in names}


edit = _plan_form_view(
    PlanForm,
    services.update_plan,
    heading="The reintegration plan",
    done="Plan saved.",
    initial=_fields_of(services.DETAIL_FIELDS),
    for_pupil=True,
)
add_phase = _plan_form_view(
    PhaseForm, services.add_phase, heading="Add a phase", done="Phase added."
)
agreement = _plan_form_view(
    AgreementForm,
    services.record_agreement,
    heading="Part-time timetable: the parent's agreement",
    done="Agreement recorded.",
    initial=_fields_of(
        ("agreed_by", "agreed_on", "agreed_how", "agreed_times", "part_time_ends_on")
    ),
    for_pupil=True,
)
add_review_point = _plan_form_view(
    ReviewPointForm,
    services.add_review_point,
    heading="Add a review date",
    done="Review date added.",
)


@access_rule(policies.can_view_reintegration)
@require_POST
def remove_phase(request: SignedInRequest, plan_id: int, phase_id: int) -> HttpResponse:
    plan = selectors.get_plan_to_manage(request.user, plan_id)
    return run_action(
        request,
        lambda: services.remove_phase(plan, by=request.user, phase_id=phase_id),
        success_message="Phase removed.",
        redirect_to=_detail_url(plan),
    )


@access_rule(policies.can_view_reintegration)
def progress(request: SignedInRequest, plan_id: int, point_id: int) -> HttpResponse:
    point = selectors.get_review_point_to_record(request.user, plan_id, point_id)
    form = ProgressForm(
        request.POST or None, initial={"progress": point.progress, "note": point.note}
    )
    return _form_page(
        request,
        point.plan,
        form,
        lambda: services.record_progress(point, by=request.user, **form.cleaned_data),
        heading=f"Progress at the review on {point.date:%-d %B %Y}",
        done="Progress recorded.",
    )


@access_rule(policies.can_view_reintegration)
@require_POST
def activate(request: SignedInRequest, plan_id: int) -> HttpResponse:
    plan = selectors.get_plan_to_manage(request.user, plan_id)
    return run_action(
        request,
        lambda: workflow.activate(plan, by=request.user),
        success_message="The plan is agreed.",
        redirect_to=_detail_url(plan),
    )


complete = _plan_form_view(
    CompleteForm,
    workflow.complete,
    heading="Complete the plan: back at school full time",
    done="The plan is complete and the placement has ended: returned to the home school full time.",
    initial=lambda plan: {"last_day": timezone.localdate()},
)
withdraw = _plan_form_view(
    WithdrawForm, workflow.withdraw, heading="Withdraw the plan", done="The plan is withdrawn."
)
