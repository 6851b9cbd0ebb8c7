from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.chronology.services import log_access
from apcase.core import idempotency
from apcase.core.errors import DomainError
from apcase.core.forms import show_domain_error
from apcase.core.uploads import file_response
from apcase.directory import threshold
from apcase.directory.selectors import provider_options_for_placement

from . import forms, selectors, services, workflow
from .models import Referral
from .sections import CANNOT_START, COMPLETED, SECTIONS, SECTIONS_BY_SLUG, incomplete_sections


def _detail(referral: Referral) -> HttpResponse:
    return redirect("referrals:detail", referral_id=referral.pk)


@access_rule(policies.can_view_referrals)
def referral_list(request: SignedInRequest) -> HttpResponse:
    referrals = selectors.referrals_visible_to(request.user).order_by("-updated_at")
    emergencies = selectors.emergencies_visible_to(request.user)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "referrals": referrals,
            "emergencies": [(e, workflow.is_overdue(e)) for e in emergencies],
            "can_draft": policies.can_draft_referrals(request.user),
            "can_arrange": policies.can_arrange_emergencies(request.user),
        },
    )


@access_rule(policies.can_draft_referrals)
def start_referral(request: SignedInRequest) -> HttpResponse:
    pupils = selectors.pupils_referable_by(request.user)
    form = forms.StartReferralForm(request.POST or None, pupils=pupils)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.start_referral(by=request.user, pupil=form.cleaned_data["pupil"])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return _detail(referral)
    return render(request, "referrals/start.html", {"form": form})


@access_rule(policies.can_use_service)
def referral_detail(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, referral_id)
    user = request.user
    if referral.school_id not in policies.organisation_ids_for(
        user, policies.REFERRAL_SCHOOL_VIEWER_ROLES
    ):
        # Health, SEND and family views read from outside the school are logged.
        log_access(
            by=user,
            action="referral_read",
            target=referral,
            organisation=referral.panel.local_authority,
            pupil_id=referral.pupil_id,
        )
    all_complete = not incomplete_sections(referral)
    tasks = [
        {"section": s, "status": s.status(referral), "url": _section_url(referral, s.slug)}
        for s in SECTIONS
    ]
    decisions = list(referral.decisions.select_related("meeting", "provider", "recorded_by"))
    placement = None
    for decision in decisions:
        placement = getattr(decision, "placement", None) or placement
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "tasks": tasks,
            "completed_count": sum(t["status"] == COMPLETED for t in tasks),
            "all_complete": all_complete,
            "sign_off_status": COMPLETED
            if referral.signed_off_by_id
            else ("Not yet started" if all_complete else CANNOT_START),
            "can_edit": referral.is_editable and policies.can_edit_referral(user, referral),
            "can_sign_off": referral.is_editable and policies.can_sign_off_referral(user, referral),
            "can_withdraw": policies.can_withdraw_referral(user, referral)
            and Referral.Status.WITHDRAWN in workflow.ALLOWED_TRANSITIONS[referral.status],
            "can_close": policies.can_close_referral(user, referral)
            and Referral.Status.CLOSED in workflow.ALLOWED_TRANSITIONS[referral.status],
            "decisions": decisions,
            "placement": placement,
            "interventions": referral.interventions.all(),
            "documents": referral.documents.all(),
        },
    )


def _section_url(referral: Referral, slug: str) -> str:
    if slug == "interventions":
        return reverse("referrals:interventions", kwargs={"referral_id": referral.pk})
    if slug == "documents":
        return reverse("referrals:documents", kwargs={"referral_id": referral.pk})
    return reverse("referrals:section", kwargs={"referral_id": referral.pk, "section": slug})


def _editable_referral(request: SignedInRequest, referral_id: int) -> Referral:
    """The referral if the user may edit it; 404 when it is not theirs to see."""
    referral = selectors.get_referral_for(request.user, referral_id)
    if not policies.can_edit_referral(request.user, referral):
        raise Http404("No such referral.")
    return referral


@access_rule(policies.can_draft_referrals)
def edit_section(request: SignedInRequest, referral_id: int, section: str) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    form_class = forms.SECTION_FORMS.get(section)
    if form_class is None:
        raise Http404("No such section.")
    if not referral.is_editable:
        messages.info(request, "This referral has been sent to the panel and cannot be changed.")
        return _detail(referral)
    spec = SECTIONS_BY_SLUG[section]
    initial = {name: getattr(referral, name) for name in spec.fields}
    initial["version"] = referral.version
    extra: dict[str, Any] = {}
    if form_class is forms.ProvisionForm:
        extra["providers"] = provider_options_for_placement(
            request.user, today=timezone.localdate()
        )
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_section(
                referral,
                by=request.user,
                section=section,
                values=form.section_values(),
                version=form.cleaned_data["version"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"{spec.title}: saved.")
            return _detail(referral)
    return render(
        request,
        "referrals/section_form.html",
        {"form": form, "referral": referral, "section": spec},
    )


def _finished_form(request: SignedInRequest, referral: Referral, flag: str) -> forms.FinishedForm:
    posted = request.POST if request.method == "POST" and "finished" in request.POST else None
    initial = {"version": referral.version, "finished": "yes" if getattr(referral, flag) else ""}
    return forms.FinishedForm(posted, initial=initial)


def _save_finished(
    request: SignedInRequest, referral: Referral, form: Any, *, section: str
) -> bool:
    if not form.is_valid():
        return False
    flag = f"{section}_complete"
    try:
        services.update_section(
            referral,
            by=request.user,
            section=section,
            values={flag: form.cleaned_data["finished"]},
            version=form.cleaned_data["version"],
        )
    except DomainError as error:
        show_domain_error(form, error)
        return False
    return True


@access_rule(policies.can_draft_referrals)
def interventions(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    if not referral.is_editable:
        return _detail(referral)
    adding = request.method == "POST" and "finished" not in request.POST
    form = forms.InterventionForm(request.POST if adding else None)
    finished = _finished_form(request, referral, "interventions_complete")
    if adding and form.is_valid():
        try:
            services.add_intervention(referral, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Intervention added.")
            return redirect("referrals:interventions", referral_id=referral.pk)
    if finished.is_bound and _save_finished(request, referral, finished, section="interventions"):
        return _detail(referral)
    return render(
        request,
        "referrals/interventions.html",
        {
            "referral": referral,
            "form": form,
            "finished_form": finished,
            "interventions": referral.interventions.all(),
        },
    )


@require_POST
@access_rule(policies.can_draft_referrals)
def remove_intervention(
    request: SignedInRequest, referral_id: int, intervention_id: int
) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    try:
        services.remove_intervention(referral, by=request.user, intervention_id=intervention_id)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Intervention removed.")
    return redirect("referrals:interventions", referral_id=referral.pk)


@access_rule(policies.can_draft_referrals)
def documents(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    if not referral.is_editable:
        return _detail(referral)
    adding = request.method == "POST" and "finished" not in request.POST
    form = forms.DocumentForm(request.POST if adding else None, request.FILES if adding else None)
    finished = _finished_form(request, referral, "documents_complete")
    if adding and form.is_valid():
        try:
            services.add_document(
                referral,
                by=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["upload"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Document uploaded.")
            return redirect("referrals:documents", referral_id=referral.pk)
    if finished.is_bound and _save_finished(request, referral, finished, section="documents"):
        return _detail(referral)
    return render(
        request,
        "referrals/documents.html",
        {
            "referral": referral,
            "form": form,
            "finished_form": finished,
            "documents": referral.documents.all(),
        },
    )


@access_rule(policies.can_use_service)
def download_document(
    request: SignedInRequest, referral_id: int, document_id: int
) -> HttpResponseBase:
    document = selectors.get_document_for(request.user, referral_id, document_id)
    referral = document.referral
    log_access(
        by=request.user,
        action="referral_document_read",
        target=document,
        organisation=referral.school,
        pupil_id=referral.pupil_id,
    )
    try:
        return file_response(
            document.stored_path, download_name=document.original_name, extension=document.extension
        )
    except FileNotFoundError:
        raise Http404("The file is missing.") from None


@require_POST
@access_rule(policies.can_draft_referrals)
def remove_document(request: SignedInRequest, referral_id: int, document_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    try:
        services.remove_document(referral, by=request.user, document_id=document_id)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Document removed.")
    return redirect("referrals:documents", referral_id=referral.pk)


def _confirm(
    request: SignedInRequest,
    referral: Referral,
    *,
    action: Any,
    heading: str,
    submit: str,
    done: str,
    intro: str = "",
) -> HttpResponse:
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None, submit=submit)
    if request.method == "POST" and form.is_valid():
        try:
            action()
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, done)
            return _detail(referral)
    return render(
        request,
        "referrals/confirm.html",
        {"form": form, "referral": referral, "heading": heading, "intro": intro},
    )


@access_rule(policies.can_draft_referrals)
def sign_off(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    return _confirm(
        request,
        referral,
        action=lambda: services.sign_off_referral(referral, by=request.user),
        heading="Sign off the referral",
        intro="By signing off you confirm, as headteacher, that this written application "
        "is complete and accurate and may be sent to the panel.",
        submit="Sign off as headteacher",
        done="Referral signed off.",
    )


@access_rule(policies.can_draft_referrals)
def submit(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    return _confirm(
        request,
        referral,
        action=lambda: workflow.submit_referral(referral, by=request.user),
        heading="Submit the referral to the panel",
        intro=f"The referral goes to the {referral.panel}. It joins the agenda of the first "
        "meeting whose cut-off it meets, and you can no longer change it.",
        submit="Submit referral",
        done="Referral submitted to the panel.",
    )


@access_rule(policies.can_draft_referrals)
def withdraw(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    form = forms.ReasonTextForm(
        request.POST or None,
        label="Why is the referral being withdrawn?",
        submit="Withdraw referral",
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.withdraw_referral(
                referral, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Referral withdrawn.")
            return _detail(referral)
    return render(
        request,
        "referrals/confirm.html",
        {"form": form, "referral": referral, "heading": "Withdraw the referral"},
    )


@require_POST
@access_rule(policies.can_schedule_meetings)
def close(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, referral_id)
    try:
        workflow.close_referral(referral, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Referral closed.")
    return _detail(referral)


# --- emergency route ---------------------------------------------------------------


@access_rule(policies.can_arrange_emergencies)
def emergency_new(request: SignedInRequest) -> HttpResponse:
    form = forms.EmergencyForm(
        request.POST or None,
        pupils=selectors.pupils_for_emergency(request.user),
        providers=provider_options_for_placement(request.user, today=timezone.localdate()),
    )
    idempotency.add_key_field(form)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = idempotency.once(
                user=request.user,
                action="referrals.emergency",
                key=idempotency.key_of(request.POST),
                run=lambda: workflow.arrange_emergency_placement(
                    by=request.user, **form.service_values()
                ),
                result_url=lambda emergency: reverse(
                    "referrals:emergency_detail", kwargs={"emergency_id": emergency.pk}
                ),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            if isinstance(outcome, idempotency.Replayed):
                messages.info(request, "This emergency placement was already started.")
                return redirect(outcome.url)
            messages.success(
                request, "Emergency placement started. It goes to the next panel for ratification."
            )
            return redirect("referrals:emergency_detail", emergency_id=outcome.pk)
    near = threshold.providers_near_threshold(form.fields["provider"].queryset)  # type: ignore[attr-defined]
    return render(
        request,
        "referrals/emergency_form.html",
        {"form": form, "threshold_warnings": [found.count.message for found in near]},
    )


@access_rule(policies.can_use_service)
def emergency_detail(request: SignedInRequest, emergency_id: int) -> HttpResponse:
    emergency = selectors.get_emergency_for(request.user, emergency_id)
    log_access(
        by=request.user,
        action="emergency.viewed",  # the risk assessment and reasons
        target=emergency,
        organisation=emergency.school,
        pupil_id=emergency.pupil_id,
    )
    return render(
        request,
        "referrals/emergency_detail.html",
        {
            "emergency": emergency,
            "overdue": workflow.is_overdue(emergency),
            "threshold_warning": (
                threshold.warning_for_placement(emergency.placement)
                if emergency.placement.status != emergency.placement.Status.ENDED
                else None
            ),
            "decisions": emergency.decisions.select_related("meeting", "recorded_by"),
            "can_end": emergency.ratification == emergency.Ratification.NOT_RATIFIED
            and policies.can_end_unratified_placement(request.user, emergency),
        },
    )


@access_rule(policies.can_arrange_emergencies)
def emergency_end(request: SignedInRequest, emergency_id: int) -> HttpResponse:
    emergency = selectors.get_emergency_for(request.user, emergency_id)
    if not policies.can_end_unratified_placement(request.user, emergency):
        raise Http404("No such emergency placement.")
    form = forms.ReasonTextForm(
        request.POST or None,
        label="What happens for the pupil now?",
        submit="End the placement",
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.end_unratified_emergency(
                emergency, by=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Placement ended.")
            return redirect("referrals:emergency_detail", emergency_id=emergency.pk)
    return render(
        request,
        "referrals/emergency_end.html",
        {"form": form, "emergency": emergency},
    )
