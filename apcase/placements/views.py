from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.models import User
from apcase.core.forms import NOTHING_CHANGED, ConfirmForm
from apcase.core.pagination import Paged, paginate, render_paged
from apcase.core.pdf import pdf_download
from apcase.core.uploads import file_response
from apcase.core.viewhelpers import Message, handle_form, posted, run_action
from apcase.directory import threshold

from . import attention as placement_attention
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
from .models import Placement, PlacementAgreement


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
        # Those who record the agreements open the signed forms (selectors.get_signed_form_for).
        "can_open_signed_forms": policies.can_plan_placement(user, placement),
        "can_agree_as_provider": placement.status != Placement.Status.ENDED
        and policies.can_agree_plan_as_provider(user, placement)
        and PlacementAgreement.Party.PROVIDER not in plan.agreed_parties(placement, agreements),
        "can_correct_commissioning": policies.can_correct_commissioning(user, placement),
        "can_end": workflow.can_end(user, placement),
        "can_read_reviews": placement.status != Placement.Status.PLANNED
        and policies.can_read_reviews(user, placement),
        "concerns": watch.concerns(placement, today=timezone.localdate()),
        "threshold_warning": (
            threshold.warning_for_placement(placement)
            if placement.status != Placement.Status.ENDED
            else None
        ),
        "extensions": list(placement.extensions.all()),
    }


@access_rule(policies.can_watch_placements)
def missing_or_overdue(request: SignedInRequest) -> HttpResponse:
    """Everything missing or overdue on the open placements the user answers for, a
    page at a time (the home page lists the first and links here for the rest)."""
    paged: Paged[tuple[Placement, watch.Concern]] = paginate(
        request,
        placement_attention.watched_concerns_read_by(request.user),
        noun="thing missing or overdue",
        plural="things missing or overdue",
    )
    rows = [
        {
            "placement": placement,
            "concern": concern,
            "tag": placement_attention.concern_tag(concern),
        }
        for placement, concern in paged.rows
    ]
    return render(request, "placements/missing_or_overdue.html", {"paged": paged, "rows": rows})


@access_rule(policies.can_plan_placements_somewhere)
def plans_to_agree(request: SignedInRequest) -> HttpResponse:
    """Every open placement of the user's schools whose current plan some party has not
    agreed to, starting soonest first, a page at a time (the home page lists the first
    and links here for the rest)."""
    paged: Paged[Placement] = paginate(
        request, selectors.plans_awaiting_agreement_read_by(request.user), noun="plan"
    )
    rows = [
        {"placement": placement, "missing": placement_attention.missing_parties(placement)}
        for placement in paged.rows
    ]
    return render(request, "placements/plans_to_agree.html", {"paged": paged, "rows": rows})


@access_rule(policies.can_view_placements)
def detail(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.read_placement_for(request.user, placement_id, action="placement.viewed")
    return render(request, "placements/detail.html", _plan_context(request.user, placement))


@access_rule(policies.can_view_placements)
def agreement_pdf(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.read_placement_for(
        request.user, placement_id, action="placement.agreement_pdf_read"
    )
    return pdf_download(
        "placements/agreement_pdf.html",
        _plan_context(request.user, placement),
        filename=f"placement-agreement-{placement.pk}.pdf",
    )


@access_rule(policies.can_view_placements)
def signed_form(request: SignedInRequest, placement_id: int, agreement_id: int) -> FileResponse:
    """The signed form a parent's or carer's agreement was recorded with."""
    agreement = selectors.get_signed_form_for(request.user, placement_id, agreement_id)
    return file_response(
        agreement.signed_form_path,
        download_name=agreement.signed_form_name,
        extension=agreement.signed_form_extension,
    )


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
    done: Message,
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


def _form_view(
    select: Callable[[User, int], Placement],
    form_class: type[forms.Form],
    save: Callable[..., object],
    *,
    done: str,
    heading: str,
    once_ended: bool = False,
) -> Callable[[SignedInRequest, int], HttpResponse]:
    """A plan form whose values go to `save` as they are: the placement (from `select`),
    the form, the service. With `once_ended`, a placement that has ended lands on its
    page saying so (_already_ended)."""

    @access_rule(policies.can_view_placements)
    def view(request: SignedInRequest, placement_id: int) -> HttpResponse:
        if once_ended and (ended := _already_ended(request, placement_id)):
            return ended
        placement = select(request.user, placement_id)
        form = form_class(request.POST or None)
        return _form_page(
            request,
            placement,
            form,
            save=lambda: save(placement, by=request.user, **form.cleaned_data),
            done=done,
            heading=heading,
        )

    return view


add_objective = _form_view(
    selectors.get_placement_to_plan,
    ObjectiveForm,
    services.add_objective,
    done="Objective added.",
    heading="Add an objective",
)


@access_rule(policies.can_view_placements)
def record_agreement(request: SignedInRequest, placement_id: int) -> HttpResponse:
    """The school's or a parent's or carer's agreement, recorded by the school."""
    placement = selectors.get_placement_to_plan(request.user, placement_id)
    form = AgreementForm(
        request.POST or None,
        request.FILES or None,
        carers=selectors.carers_who_may_agree(placement),
    )
    return _form_page(
        request,
        placement,
        form,
        save=lambda: services.record_agreement(
            placement,
            by=request.user,
            details=services.AgreementDetails.take_from(form.cleaned_data),
        ),
        done="Agreement recorded.",
        heading="Record agreement to the plan",
    )


@access_rule(policies.can_agree_plans_as_provider)
def provider_plans_to_agree(request: SignedInRequest) -> HttpResponse:
    """Every open placement at the user's providers whose plan waits for the provider's
    agreement (the home page lists the first and links here for the rest), earliest
    start first, a page at a time."""
    placements = selectors.plans_awaiting_provider_read_by(request.user)
    return render_paged(
        request, "placements/provider_plans_to_agree.html", placements, noun="placement"
    )


@access_rule(policies.can_agree_plans_as_provider)
def provider_agreement(request: SignedInRequest, placement_id: int) -> HttpResponse:
    """The provider agrees to the plan as it stands, in its own name."""
    placement = selectors.get_placement_for_provider(request.user, placement_id)
    form = ConfirmForm(posted(request), submit_label="Agree to the plan for the provider")
    return _form_page(
        request,
        selectors.placement_with_plan(placement),
        form,
        save=lambda: services.record_provider_agreement(placement, by=request.user),
        done="Your agreement to the plan is recorded.",
        heading="Agree to the placement plan",
        template="placements/provider_agreement.html",
        context=_plan_context(request.user, placement),
    )


end = _form_view(
    selectors.get_placement_to_end,
    EndForm,
    workflow.end_placement,
    done="The placement has ended.",
    heading="End the placement",
    once_ended=True,
)
extend = _form_view(
    selectors.get_placement_to_end,
    ExtendForm,
    workflow.extend_placement,
    done="The placement has been extended.",
    heading="Extend the placement",
    once_ended=True,
)


@access_rule(policies.can_view_placements)
def edit_plan(request: SignedInRequest, placement_id: int) -> HttpResponse:
    placement = selectors.get_placement_to_plan(request.user, placement_id)
    initial = {name: getattr(placement, name) for name in services.PLAN_FIELDS}
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
        save=lambda: (
            services.correct_commissioning(placement, by=request.user, **form.cleaned_data)
            if form.changes_something()
            else placement
        ),
        done=lambda _: (
            "Who commissions the placement is corrected."
            if form.changes_something()
            else NOTHING_CHANGED
        ),
        heading="Who commissions the placement",
    )
