from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.chronology.services import log_access
from apcase.core.errors import DomainError
from apcase.core.forms import show_domain_error
from apcase.core.pdf import pdf_response, render_pdf
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                by=request.user,
                panel=data["panel"],
                date=data["date"],
                start_time=data["start_time"],
                venue=data["venue"],
                online_link=data["online_link"],
                chair=data["chair"],
                members=list(data["members"]),
                is_extra=data["is_extra"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Meeting scheduled.")
            return redirect("panel:meeting_detail", meeting_id=meeting.pk)
    return render(request, "panel/form.html", {"form": form, "heading": "Schedule a panel meeting"})


@access_rule(policies.can_schedule_meetings)
def series_new(request: SignedInRequest) -> HttpResponse:
    form = forms.SeriesForm(request.POST or None, **_meeting_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meetings = services.schedule_monthly_series(
                by=request.user,
                panel=data["panel"],
                first_month=data["first_month"],
                count=data["count"],
                weekday=data["weekday"],
                nth=data["nth"],
                start_time=data["start_time"],
                venue=data["venue"],
                online_link=data["online_link"],
                chair=data["chair"],
                members=list(data["members"]),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"{len(meetings)} meetings scheduled.")
            return redirect("panel:meeting_list")
    return render(
        request, "panel/form.html", {"form": form, "heading": "Schedule monthly panel meetings"}
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
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    if not policies.can_read_panel_pack(request.user, meeting):
        raise Http404("No such meeting.")
    agenda = selectors.agenda_of(meeting)
    log_access(
        by=request.user,
        action="panel_pack_downloaded",
        target=meeting,
        organisation=meeting.panel.local_authority,
    )
    for referral, _ in agenda["referral_items"]:
        log_access(
            by=request.user,
            action="panel_pack_referral_read",
            target=referral,
            organisation=meeting.panel.local_authority,
            pupil_id=referral.pupil_id,
        )
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
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_interest(
                by=request.user,
                meeting=meeting,
                interest=form.cleaned_data["interest"],
                referral=form.cleaned_data["referral"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Declaration of interest recorded.")
            return redirect("panel:meeting_detail", meeting_id=meeting.pk)
    return render(
        request,
        "panel/form.html",
        {"form": form, "heading": "Declare an interest", "meeting": meeting},
    )


def _recordable_meeting(request: SignedInRequest, meeting_id: int) -> PanelMeeting:
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    if not policies.can_record_decision(request.user, meeting):
        raise Http404("No such meeting.")
    return meeting


def _decision_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    values["members_present"] = list(values["members_present"])
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
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.record_decision(
                by=request.user,
                meeting=meeting,
                referral=referral,
                **_decision_values(form.cleaned_data),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Decision recorded.")
            for provider, warning in threshold_warnings:
                if decision.provider_id == provider.pk:
                    messages.warning(request, warning)
            return redirect("panel:meeting_detail", meeting_id=meeting.pk)
    return render(
        request,
        "panel/decide.html",
        {
            "form": form,
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
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(
                by=request.user,
                meeting=meeting,
                emergency=emergency,
                **_decision_values(form.cleaned_data),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("panel:meeting_detail", meeting_id=meeting.pk)
    return render(
        request,
        "panel/decide.html",
        {
            "form": form,
            "meeting": meeting,
            "emergency": emergency,
            "overdue": referral_workflow.is_overdue(emergency),
            "quorum": quorum(),
            "heading": f"Ratify the emergency placement for {emergency.pupil.display_name}",
        },
    )


@access_rule(policies.can_use_service)
def decision_detail(request: SignedInRequest, decision_id: int) -> HttpResponse:
    decision = selectors.get_decision_for(request.user, decision_id)
    item = decision.referral or decision.emergency
    log_access(
        by=request.user,
        action="decision.viewed",
        target=decision,
        organisation=item.school if item is not None else None,
        pupil_id=item.pupil_id if item is not None else None,
    )
    return render(
        request,
        "panel/decision_detail.html",
        {"decision": decision, "present": decision.members_present.all()},
    )


LETTERS = {"school": "panel/pdf/letter_school.html", "parents": "panel/pdf/letter_parents.html"}


@access_rule(policies.can_use_service)
def decision_letter(request: SignedInRequest, decision_id: int, recipient: str) -> HttpResponse:
    decision = selectors.get_decision_for(request.user, decision_id)
    template = LETTERS.get(recipient)
    if template is None:
        raise Http404("No such letter.")
    item = decision.referral or decision.emergency
    assert item is not None  # noqa: S101 - a database constraint
    log_access(
        by=request.user,
        action=f"decision_letter_{recipient}_read",
        target=decision,
        organisation=item.school,
        pupil_id=item.pupil_id,
    )
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
