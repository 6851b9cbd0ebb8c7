import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.models import User
from apcase.core.forms import NOTHING_CHANGED, ConfirmForm
from apcase.core.pagination import Paged, paginate
from apcase.core.pdf import pdf_download, pdf_response
from apcase.core.viewhelpers import Message, handle_form, posted, run_action
from apcase.directory import selectors as directory_selectors
from apcase.directory import threshold as directory_threshold
from apcase.pupils.models import Carer
from apcase.referrals import selectors as referral_selectors
from apcase.referrals import workflow as referral_workflow
from apcase.referrals.models import EmergencyPlacement, Referral

from . import forms, letters, pack, selectors, services, workflow
from .models import PanelDecision, PanelMeeting, quorum

logger = logging.getLogger(__name__)


@access_rule(policies.can_view_panel)
def meeting_list(request: SignedInRequest) -> HttpResponse:
    today = timezone.localdate()
    past = selectors.past_meetings_for(request.user, today)
    return render(
        request,
        "panel/meeting_list.html",
        {
            "upcoming": selectors.upcoming_meetings_for(request.user, today),
            "paged": paginate(request, past, noun="past meeting"),
            "today": today,
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
    today = timezone.localdate()
    scheduled = meeting.status == meeting.Status.SCHEDULED
    recorder = policies.can_record_decision(user, meeting)
    officer = policies.can_schedule_meetings_for(user, meeting.panel)
    return render(
        request,
        "panel/meeting_detail.html",
        {
            "meeting": meeting,
            **selectors.agenda_page_of(meeting),
            "members": selectors.sitting_members(meeting),
            "declarations": meeting.declarations.select_related("member", "referral__pupil"),
            "can_read_pack": policies.can_read_panel_pack(user, meeting),
            "can_declare": policies.can_declare_interest(user, meeting),
            # Decisions and closing from the meeting's day; changes before it sits.
            "can_record": recorder and scheduled and meeting.date <= today,
            "can_close": recorder and meeting.awaits_closure(today),
            "can_change": officer and scheduled and not meeting.decisions.exists(),
            "awaits_closure": meeting.awaits_closure(today),
            "today": today,
        },
    )


def _meeting_for_action(request: SignedInRequest, meeting_id: int, may: Any) -> PanelMeeting:
    """The meeting, if the user may act on it (404 otherwise, as for another LA's)."""
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    if not may(request.user, meeting):
        raise Http404("No such meeting.")
    return meeting


def _action_context(meeting: PanelMeeting, heading: str, **extra: Any) -> dict[str, Any]:
    referrals, emergencies = selectors.undecided_items(meeting)
    return {
        "meeting": meeting,
        "heading": heading,
        "undecided_referrals": referrals,
        "undecided_emergencies": emergencies,
        **extra,
    }


def _meeting_action(
    request: SignedInRequest,
    form: BaseForm,
    action: Callable[[], object],
    *,
    done: Message,
    redirect_to: str | Callable[[PanelMeeting], str],
    context: dict[str, Any],
) -> HttpResponse:
    """A change to a meeting (close, change, postpone, cancel) on the meeting-action page;
    `redirect_to` is the meeting's page, or a function of the meeting the change gives."""
    return handle_form(
        request,
        form,
        action,
        success_message=done,
        redirect_to=redirect_to,
        template="panel/meeting_action.html",
        context=context,
    )


def _may_change(user: User, meeting: PanelMeeting) -> bool:
    return policies.can_schedule_meetings_for(user, meeting.panel)


@access_rule(policies.can_record_panel_decisions)
def meeting_close(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for_action(request, meeting_id, policies.can_record_decision)
    form = ConfirmForm(posted(request), submit_label="Close this meeting")
    return _meeting_action(
        request,
        form,
        lambda: workflow.close_meeting(meeting, by=request.user),
        done="Meeting closed: it is recorded as held.",
        redirect_to=_meeting_url(meeting),
        context=_action_context(
            meeting,
            "Close this meeting",
            intro="Close the meeting once the panel has sat and every decision it made is "
            "recorded. It is then recorded as held, and no more decisions are recorded at it.",
            moves="These go to the next scheduled meeting (or wait for one), and the "
            "schools are told.",
        ),
    )


@access_rule(policies.can_schedule_meetings)
def meeting_edit(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for_action(request, meeting_id, _may_change)
    form = forms.MeetingEditForm(request.POST or None, meeting=meeting)
    return _meeting_action(
        request,
        form,
        lambda: (
            services.edit_meeting(by=request.user, meeting=meeting, change=form.change())
            if form.changes_something()
            else meeting
        ),
        done=lambda _: (
            "Meeting details changed. The schools with items on the agenda have been told."
            if form.changes_something()
            else NOTHING_CHANGED
        ),
        redirect_to=_meeting_url,
        context={"meeting": meeting, "heading": "Change the meeting details"},
    )


@access_rule(policies.can_schedule_meetings)
def meeting_postpone(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for_action(request, meeting_id, _may_change)
    form = forms.PostponeForm(request.POST or None)
    return _meeting_action(
        request,
        form,
        lambda: workflow.postpone_meeting(
            meeting,
            by=request.user,
            to=form.cleaned_data["date"],
            reason=form.cleaned_data["reason"],
        ),
        done="Meeting postponed. Its agenda has moved to the new date and the "
        "schools have been told.",
        redirect_to=_meeting_url,
        context=_action_context(
            meeting,
            "Postpone this meeting",
            intro="The meeting moves to a new date, at the same time and place, with the "
            "same members.",
            moves="These move with it, and the schools are told.",
        ),
    )


@access_rule(policies.can_schedule_meetings)
def meeting_cancel(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for_action(request, meeting_id, _may_change)
    form = forms.CancelForm(request.POST or None)
    return _meeting_action(
        request,
        form,
        lambda: workflow.cancel_meeting(
            meeting, by=request.user, reason=form.cleaned_data["reason"]
        ),
        done="Meeting cancelled. Its agenda has moved on and the schools have been told.",
        redirect_to=_meeting_url(meeting),
        context=_action_context(
            meeting,
            "Cancel this meeting",
            moves="These go to the next scheduled meeting (or wait for one), and the "
            "schools are told.",
        ),
    )


@access_rule(policies.can_use_service)
def panel_pack(request: SignedInRequest, meeting_id: int) -> HttpResponse:
    """The pack of the agenda as it is now: the stored render of this version (or one
    rendered now, never an older version), stamped with the reader's name."""
    meeting, agenda = selectors.read_panel_pack_for(request.user, meeting_id)
    try:
        content = pack.for_reader(
            meeting, agenda, reader_name=request.user.full_name, reader_email=request.user.email
        )
    except Exception:
        # Rendering or stamping failed: say so on a page the reader can act on, not a 500.
        logger.exception("The panel pack of meeting %s could not be prepared", meeting.pk)
        return render(request, "panel/pack_unavailable.html", {"meeting": meeting}, status=503)
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

    return _decide(
        request,
        meeting,
        referral,
        form,
        done=decided,
        context={
            "item": referral,
            "heading": f"Decision: referral for {referral.pupil.display_name}",
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
    return _decide(
        request,
        meeting,
        emergency,
        form,
        done="Decision recorded.",
        context={
            "emergency": emergency,
            "overdue": referral_workflow.is_overdue(emergency),
            "heading": f"Ratify the emergency placement for {emergency.pupil.display_name}",
        },
    )


def _decide(
    request: SignedInRequest,
    meeting: PanelMeeting,
    item: Referral | EmergencyPlacement,
    form: BaseForm,
    *,
    done: Message,
    context: dict[str, Any],
) -> HttpResponse:
    """The decision page for one item on the meeting's agenda: a valid form records the
    panel's decision on it (services.record_decision), then back to the meeting."""
    return handle_form(
        request,
        form,
        lambda: services.record_decision(
            by=request.user, meeting=meeting, item=item, **_decision_values(form.cleaned_data)
        ),
        success_message=done,
        redirect_to=_meeting_url(meeting),
        template="panel/decide.html",
        context={"meeting": meeting, "quorum": quorum(), "today": timezone.localdate(), **context},
    )


@access_rule(policies.can_chase_decision_letters)
def letters_not_sent(request: SignedInRequest) -> HttpResponse:
    """Every decision of the officer's panels whose letters to the parents have not all
    gone, oldest first, a page at a time (the home page lists the oldest and links here
    for the rest), each with the carers still waiting for one."""
    paged: Paged[PanelDecision] = paginate(
        request, selectors.letters_not_sent_read_by(request.user), noun="decision"
    )
    lines = letters.letters_for_decisions(paged.rows)
    rows = [
        {
            "decision": decision,
            "item": decision.referral or decision.emergency,
            "waiting": [line.carer for line in lines.get(decision.pk, []) if line.can_hand],
        }
        for decision in paged.rows
    ]
    return render(request, "panel/letters_not_sent.html", {"paged": paged, "rows": rows})


@access_rule(policies.can_use_service)
def decision_detail(request: SignedInRequest, decision_id: int) -> HttpResponse:
    decision = selectors.read_decision_for(request.user, decision_id)
    return render(
        request,
        "panel/decision_detail.html",
        {
            "decision": decision,
            "present": decision.members_present.all(),
            "letters": letters.letters_for_decision(decision),
            "can_send": policies.can_send_decision_letters(request.user, decision),
        },
    )


@access_rule(policies.can_use_service)
def parent_letter(request: SignedInRequest, decision_id: int, carer_id: int) -> HttpResponse:
    """The decision letter addressed to one of the pupil's carers (name and postal
    address from the carer record)."""
    decision = selectors.read_decision_letter_for(request.user, decision_id, "parents")
    line = next((x for x in letters.letters_for_decision(decision) if x.carer.pk == carer_id), None)
    if line is None or line.blocked:
        # No letter is made out to a carer under a restriction (`letters._blocked`).
        raise Http404("No such letter.")
    return _letter(
        decision,
        LETTERS["parents"],
        filename=f"decision-letter-{decision.pk}-{carer_id}.pdf",
        carer=line.carer,
    )


@access_rule(policies.can_send_letters)
@require_POST
def send_letter(request: SignedInRequest, decision_id: int, carer_id: int) -> HttpResponse:
    """Send the letter by email, or record it as sent by post or by hand (`method`)."""
    decision = selectors.get_decision_for(request.user, decision_id)
    method = request.POST.get("method", "")
    done = {
        "email": "Letter sent by email.",
        "post": "Letter recorded as sent by post.",
        "hand": "Letter recorded as given by hand.",
    }
    return run_action(
        request,
        lambda: letters.send_letter(decision, carer_id=carer_id, method=method, by=request.user),
        success_message=done.get(method, "Letter recorded as sent."),
        redirect_to=reverse("panel:decision_detail", kwargs={"decision_id": decision.pk}),
    )


LETTERS = {"school": "panel/pdf/letter_school.html", "parents": "panel/pdf/letter_parents.html"}


@access_rule(policies.can_use_service)
def decision_letter(request: SignedInRequest, decision_id: int, recipient: str) -> HttpResponse:
    template = LETTERS.get(recipient)
    if template is None:
        selectors.get_decision_for(request.user, decision_id)  # 404 for another's decision first
        raise Http404("No such letter.")
    decision = selectors.read_decision_letter_for(request.user, decision_id, recipient)
    return _letter(decision, template, filename=f"decision-letter-{recipient}-{decision.pk}.pdf")


def _letter(
    decision: PanelDecision, template: str, *, filename: str, carer: Carer | None = None
) -> HttpResponse:
    """A decision letter, to the school or to one of the pupil's carers, dated today."""
    item = decision.referral or decision.emergency
    assert item is not None  # noqa: S101 - a database constraint
    context: dict[str, object] = {
        "decision": decision,
        "item": item,
        "pupil": item.pupil,
        "school": item.school,
        "today": timezone.localdate(),
    }
    if carer is not None:
        context["carer"] = carer
    return pdf_download(template, context, filename=filename)
