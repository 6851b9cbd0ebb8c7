from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.models import User
from apcase.core.pdf import pdf_response, render_pdf
from apcase.core.viewhelpers import handle_form, run_action
from apcase.directory import threshold

from . import plan, selectors, services, watch, workflow
from .forms import (
    AgreementForm,
    CommissioningForm,
    EndForm,
    ExtendForm,
    ObjectiveForm,
    PlanForm,
    SitesForm,
    TimetableForm,
)
from .models import Placement


def _detail_url(placement_id: int) -> str:
    return reverse("placements:detail", kwargs={"placement_id": placement_id})


def _plan_context(user: User, placement: Placement) -> dict[str, Any]:
    placement = selectors.placement_with_plan(placement)
    agreements = list(placement.agreements.all())
    return {
        "placement": placement,
        "pupil": placement.pupil,
        "home_code": plan.home_school_code(placement),
        "grid": plan.timetable_grid(placement),
        "objectives": list(placement.objectives.all()),
        "agreements": [a for a in agreements if a.plan_version == placement.plan_version],
        "missing": plan.missing_before_start(placement)
        if placement.status == Placement.Status.PLANNED
        else [],
        "can_plan": workflow.can_change_plan(user, placement),
        "can_correct_commissioning": policies.can_correct_commissioning(user, placement),
        "can_end": workflow.can_end(user, placement),
        "concerns": watch.concerns(placement, today=timezone.localdate()),
        "threshold_warning": (
            threshold.warning_for_placement(placement)
            if placement.status != Placement.Status.ENDED
            else None
        ),
        "extensions": list(placement.extensions.all()),
    }


@access_rule(policies.can_view_placements)
def detail(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.read_placement_for(request.user, placement_id, action="placement.viewed")
    return render(request, "placements/detail.html", _plan_context(request.user, placement))


@access_rule(policies.can_view_placements)
def agreement_pdf(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.read_placement_for(
        request.user, placement_id, action="placement.agreement_pdf_read"
    )
    content = render_pdf("placements/agreement_pdf.html", _plan_context(request.user, placement))
    return pdf_response(content, filename=f"placement-agreement-{placement.pk}.pdf")


def _already_ended(request: SignedInRequest, placement_id: int) -> HttpResponse | None:
    """A second press of "End the placement" (or a stale link) lands on the placement,
    saying it has ended, rather than on "Page not found"."""
    placement = selectors.get_placement_for(request.user, placement_id)
    if placement.status != Placement.Status.ENDED:
        return None
    messages.info(request, "This placement has already ended.")
    return redirect(_detail_url(placement.pk))


def _form_page(
    request: SignedInRequest,
    placement: Placement,
    form: Any,
    *,
    save: Callable[[], Any],
    done: str,
    heading: str,
    template: str = "placements/form.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A plan form's page: on a valid post call `save` (a service), and show its refusal
    on the form, or go back to the placement with `done`."""
    return handle_form(
        request,
        form,
        save,
        success_message=done,
        redirect_to=_detail_url(placement.pk),
        template=template,
        context={"placement": placement, "heading": heading, **(context or {})},
    )


@access_rule(policies.can_view_placements)
def edit_plan(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_plan(request.user, placement_id)
    initial = {
        "site": placement.site,
        "planned_end_date": placement.planned_end_date,
        "named_staff_member": placement.named_staff_member,
        "transport": placement.transport,
        "funding": placement.funding,
        "dual_registered": placement.dual_registered,
        "dual_registration_reason": placement.dual_registration_reason,
    }
    form = PlanForm(request.POST or None, initial=initial, placement=placement)
    return _form_page(
        request,
        placement,
        form,
        save=lambda: services.update_plan(
            placement, by=request.user, details=services.PlanDetails(**form.cleaned_data)
        ),
        done="Plan saved.",
        heading="The placement plan",
    )


@access_rule(policies.can_view_placements)
def edit_timetable(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_plan(request.user, placement_id)
    current = [f"{s.weekday}-{s.session}" for s in placement.sessions.all()]
    form = TimetableForm(request.POST or None, initial={"sessions": current})
    return _form_page(
        request,
        placement,
        form,
        save=lambda: services.set_timetable(placement, by=request.user, sessions=form.chosen()),
        done="Timetable saved.",
        heading="Weekly timetable",
    )


@access_rule(policies.can_view_placements)
def add_objective(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_plan(request.user, placement_id)
    form = ObjectiveForm(request.POST or None)
    return _form_page(
        request,
        placement,
        form,
        save=lambda: services.add_objective(placement, by=request.user, **form.cleaned_data),
        done="Objective added.",
        heading="Add an objective",
    )


@access_rule(policies.can_view_placements)
def record_agreement(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_plan(request.user, placement_id)
    form = AgreementForm(request.POST or None)
    return _form_page(
        request,
        placement,
        form,
        save=lambda: services.record_agreement(placement, by=request.user, **form.cleaned_data),
        done="Agreement recorded.",
        heading="Record agreement to the plan",
    )


@access_rule(policies.can_view_placements)
@require_POST
def start(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_plan(request.user, placement_id)
    return run_action(
        request,
        lambda: workflow.start_placement(placement, by=request.user),
        success_message="The placement has started.",
        redirect_to=_detail_url(placement.pk),
    )


@access_rule(policies.can_view_placements)
def end(request: SignedInRequest, placement_id: int) -> HttpResponse:
    if ended := _already_ended(request, placement_id):
        return ended
    placement = selectors.get_placement_to_end(request.user, placement_id)
    form = EndForm(request.POST or None)
    return _form_page(
        request,
        placement,
        form,
        save=lambda: workflow.end_placement(placement, by=request.user, **form.cleaned_data),
        done="The placement has ended.",
        heading="End the placement",
    )


@access_rule(policies.can_view_placements)
def extend(request: SignedInRequest, placement_id: int) -> HttpResponse:
    if ended := _already_ended(request, placement_id):
        return ended
    placement = selectors.get_placement_to_end(request.user, placement_id)
    form = ExtendForm(request.POST or None)
    return _form_page(
        request,
        placement,
        form,
        save=lambda: workflow.extend_placement(placement, by=request.user, **form.cleaned_data),
        done="The placement has been extended.",
        heading="Extend the placement",
    )


@access_rule(policies.can_view_placements)
def sites(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_plan(request.user, placement_id)
    if placement.status == Placement.Status.ENDED:
        raise Http404("No such placement.")
    form = SitesForm(
        request.POST or None,
        initial={"sites": list(placement.sites.all())},
        placement=placement,
    )
    return _form_page(
        request,
        placement,
        form,
        save=lambda: services.set_sites(
            placement, by=request.user, sites=list(form.cleaned_data["sites"])
        ),
        done="Sites saved.",
        heading="Sites where the pupil is taught",
        template="placements/sites.html",
        context={"can_add_site": policies.can_edit_provider(request.user, placement.provider)},
    )


@access_rule(policies.can_view_placements)
def commissioning(request: SignedInRequest, placement_id: int) -> HttpResponse:
    """Correct who commissions the placement and under which power (B or K follows)."""
    placement = selectors.get_placement_for(request.user, placement_id)
    if not policies.can_correct_commissioning(request.user, placement):
        raise Http404("No such placement.")
    form = CommissioningForm(
        request.POST or None,
        initial={
            "arranged_by": placement.arranged_by,
            "commissioning_power": placement.commissioning_power,
        },
    )
    return _form_page(
        request,
        placement,
        form,
        save=lambda: services.correct_commissioning(
            placement, by=request.user, **form.cleaned_data
        ),
        done="Who commissions the placement is corrected.",
        heading="Who commissions the placement",
    )
