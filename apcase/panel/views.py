from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.core.pdf import pdf_response, render_pdf
from apcase.core.viewhelpers import handle_form
from apcase.directory import selectors as directory_selectors
from apcase.directory import threshold as directory_threshold
from apcase.referrals import selectors as referral_selectors
from apcase.referrals import workflow as referral_workflow

from . import forms, selectors, services
from .models import PanelDecision, PanelMeeting, quorum


@access_rule(policies.can_view_panel)
def meeting_list(request: SignedInRequest) -> HttpResponse:
    meetings = selectors.meetings_visible_to(request.user)
    today = timezone.localdate()
    return render(
        request,
        "panel/meeting_list.html",
        {
            "upcoming": [m for m in meetings if m.date >= today and m.status != m.Status.HELD],
            "past": [m for m in meetings if m.date < today or m.status == m.Status.HELD][::-1],
            "can_schedule": policies.can_schedule_meetings(request.user),
        },
    )


def _meeting_form_kwargs(request: SignedInRequest) -> dict[str, Any]:
    panels = selectors.panels_scheduled_by(request.user)
    panel = panels.first()
    people = selectors.la_panel_people(panel) if panel else panels.none()
    return {"panels": panels, "people": people}


@access_rule(policies.can_schedule_meetings)
def meeting_new(request: SignedInRequest) -> HttpResponse:
    form = forms.MeetingForm(request.POST or None, **_meeting_form_kwargs(request))
    return handle_form(
        request,
        form,
        lambda: services.schedule_meeting(by=request.user, **form.meeting_values()),
        success_message="Meeting scheduled.",
        redirect_to=_meeting_url,
        template="panel/form.html",
        context={"heading": "Schedule a panel meeting"},
    )


def _meeting_url(meeting: PanelMeeting) -> str:
    return reverse("panel:meeting_detail", kwargs={"meeting_id": meeting.pk})


@access_rule(policies.can_schedule_meetings)
def series_new(request: SignedInRequest) -> HttpResponse:
    form = forms.SeriesForm(request.POST or None, **_meeting_form_kwargs(request))
    return handle_form(
        request,
        form,
        lambda: services.schedule_monthly_series(by=request.user, **form.series_values()),
        success_message=lambda meetings: f"{len(meetings)} meetings scheduled.",
        redirect_to="panel:meeting_list",
        template="panel/form.html",
        context={"heading": "Schedule monthly panel meetings"},
    )


@access_rule(policies.can_use_service)
def meeting_detail(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    user = request.user
    return render(
        request,
        "panel/meeting_detail.html",
        {
            "meeting": meeting,
            **selectors.agenda_of(meeting),
            "members": selectors.sitting_members(meeting),
            "declarations": meeting.declarations.select_related("member", "referral__pupil"),
            "can_read_pack": policies.can_read_panel_pack(user, meeting),
            "can_declare": policies.can_declare_interest(user, meeting),
            "can_record": policies.can_record_decision(user, meeting)
            and meeting.status != meeting.Status.CANCELLED,
            "today": timezone.localdate(),
        },
    )


@access_rule(policies.can_use_service)
def panel_pack(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting, agenda = selectors.read_panel_pack_for(request.user, meeting_id)
    content = render_pdf(
        "panel/pdf/panel_pack.html",
        {"meeting": meeting, **agenda, "generated_at": timezone.now(), "reader": request.user},
    )
    return pdf_response(content, filename=f"panel-pack-{meeting.date:%Y-%m-%d}.pdf")


@access_rule(policies.can_sit_on_panels)
def declare_interest(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    if not policies.can_declare_interest(request.user, meeting):
        raise Http404("No such meeting.")
    form = forms.DeclarationForm(
        request.POST or None,
        referrals=selectors.referrals_on_agenda(meeting),
    )
    return handle_form(
        request,
        form,
        lambda: services.declare_interest(
            by=request.user,
            meeting=meeting,
            interest=form.cleaned_data["interest"],
            referral=form.cleaned_data["referral"],
        ),
        success_message="Declaration of interest recorded.",
        redirect_to=_meeting_url(meeting),
        template="panel/form.html",
        context={"heading": "Declare an interest", "meeting": meeting},
    )


def _recordable_meeting(request: SignedInRequest, meeting_id: int) -> PanelMeeting:
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    if not policies.can_record_decision(request.user, meeting):
        raise Http404("No such meeting.")
    return meeting


def _decision_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["members_present"] = list(values["members_present"])
    values["terms"] = services.ApprovalTerms.take_from(values)
    return values


@access_rule(policies.can_record_panel_decisions)
def decide_referral(request: SignedInRequest, meeting_id: int, referral_id: int) -> HttpResponse:
    meeting = _recordable_meeting(request, meeting_id)
    referral = referral_selectors.get_referral_for(request.user, referral_id)
    if referral.meeting_id != meeting.pk:
        raise Http404("That referral is not on this meeting's agenda.")
    providers = directory_selectors.provider_options_for_placement(
        request.user, today=timezone.localdate()
    )
    # Which providers placing this pupil would take to the registration threshold.
    threshold_warnings = directory_threshold.warnings_for_pupil(providers, referral.pupil)
    form = forms.ReferralDecisionForm(
        request.POST or None,
        members=meeting.members.all(),
        outcomes=PanelDecision.REFERRAL_OUTCOMES,
        providers=providers,
    )

    def decided(decision: PanelDecision) -> str:
        for provider, warning in threshold_warnings:
            if decision.provider_id == provider.pk:
                messages.warning(request, warning)
        return "Decision recorded."

    return handle_form(
        request,
        form,
        lambda: services.record_decision(
            by=request.user,
            meeting=meeting,
            item=referral,
            **_decision_values(form.cleaned_data),
        ),
        success_message=decided,
        redirect_to=_meeting_url(meeting),
        template="panel/decide.html",
        context={
            "meeting": meeting,
            "item": referral,
            "heading": f"Decision: referral for {referral.pupil.display_name}",
            "quorum": quorum(),
            "threshold_warnings": threshold_warnings,
        },
    )


@access_rule(policies.can_record_panel_decisions)
def decide_emergency(request: SignedInRequest, meeting_id: int, emergency_id: int) -> HttpResponse:
    meeting = _recordable_meeting(request, meeting_id)
    emergency = referral_selectors.get_emergency_for(request.user, emergency_id)
    if emergency.meeting_id != meeting.pk:
        raise Http404("That emergency placement is not on this meeting's agenda.")
    form = forms.DecisionForm(
        request.POST or None,
        members=meeting.members.all(),
        outcomes=PanelDecision.RATIFICATION_OUTCOMES,
    )
    return handle_form(
        request,
        form,
        lambda: services.record_decision(
            by=request.user,
            meeting=meeting,
            item=emergency,
            **_decision_values(form.cleaned_data),
        ),
        success_message="Decision recorded.",
        redirect_to=_meeting_url(meeting),
        template="panel/decide.html",
        context={
            "meeting": meeting,
            "emergency": emergency,
            "overdue": referral_workflow.is_overdue(emergency),
            "quorum": quorum(),
            "heading": f"Ratify the emergency placement for {emergency.pupil.display_name}",
        },
    )


@access_rule(policies.can_use_service)
def decision_detail(request: SignedInRequest, decision_id: int) -> HttpResponse:
    decision = selectors.read_decision_for(request.user, decision_id)
    return render(
        request,
        "panel/decision_detail.html",
        {"decision": decision, "present": decision.members_present.all()},
    )


LETTERS = {"school": "panel/pdf/letter_school.html", "parents": "panel/pdf/letter_parents.html"}


@access_rule(policies.can_use_service)
def decision_letter(request: SignedInRequest, decision_id: int, recipient: str) -> HttpResponse:
    template = LETTERS.get(recipient)
    if template is None:
        selectors.get_decision_for(request.user, decision_id)  # 404 for another's decision first
        raise Http404("No such letter.")
    decision = selectors.read_decision_letter_for(request.user, decision_id, recipient)
    item = decision.referral or decision.emergency
    assert item is not None  # noqa: S101 - a database constraint
    content = render_pdf(
        template,
        {
            "decision": decision,
            "item": item,
            "pupil": item.pupil,
            "school": item.school,
            "today": timezone.localdate(),
        },
    )
    return pdf_response(content, filename=f"decision-letter-{recipient}-{decision.pk}.pdf")
