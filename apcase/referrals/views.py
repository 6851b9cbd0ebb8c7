from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.two_factor import requires_recent_second_factor
from apcase.core import idempotency
from apcase.core.forms import ConfirmForm
from apcase.core.links import record_url
from apcase.core.pagination import Paged, paginate
from apcase.core.spreadsheets import Sheet, download
from apcase.core.templatetags.govuk import (
    govuk_link,
    govuk_table_rows,
    govuk_tag,
    status_colour,
)
from apcase.core.templatetags.words import govuk_date
from apcase.core.uploads import file_response
from apcase.core.viewhelpers import Once, attempt, handle_form, posted, run_action, submit_form
from apcase.directory import threshold
from apcase.directory.selectors import provider_options_for_placement
from apcase.pupils.models import display_name_of

from . import forms, panels, selectors, services, workflow
from .attention import waiting_detail
from .models import EmergencyPlacement, Referral
from .sections import CANNOT_START, COMPLETED, SECTIONS, SECTIONS_BY_SLUG, incomplete_sections


def _detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"referral_id": referral.pk})


def _detail(referral: Referral) -> HttpResponse:
    return redirect(_detail_url(referral))


@access_rule(policies.can_view_referrals)
def referral_list(request: SignedInRequest) -> HttpResponse:
    """The referrals, a page at a time: the open ones unless the user asks for closed
    ones or all (`?status=`)."""
    show = selectors.shown(request.GET.get("status"))
    # The page's keys first (from the index of a panel's referrals by date, no join),
    # then only the page's rows joined to their pupils, schools and meetings, read as
    # the columns the table shows: no model built for a row, nor for its pupil, school
    # and meeting. (Reading the count with the keys would cost more: it reads every
    # referral of the panel through that index, where a COUNT of its own reads the
    # table in one sweep.)
    referrals = selectors.referral_list_for(request.user, show).select_related(None)
    paged: Paged[dict[str, Any]] = paginate(
        request,
        referrals,
        noun=_REFERRAL_NOUNS[show],
        pick_page_first=True,
        values=_LIST_COLUMNS,
    )
    emergencies = selectors.emergencies_visible_to(request.user)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "paged": paged,
            "rows_html": _rows_html(_list_rows(paged.rows)),
            "status": show,
            "statuses": selectors.SHOW_CHOICES,
            "download_query": urlencode({"status": show}),
            "emergencies": [(e, workflow.is_overdue(e)) for e in emergencies],
            "can_draft": policies.can_draft_referrals(request.user),
            "can_arrange": policies.can_arrange_emergencies(request.user),
        },
    )


@access_rule(policies.can_schedule_meetings)
def awaiting_scheduling(request: SignedInRequest) -> HttpResponse:
    """Every referral to the officer's panels waiting for a panel meeting (the home page
    lists the longest waiting and links here for the rest), longest waiting first, a
    page at a time."""
    paged: Paged[Referral] = paginate(
        request, selectors.awaiting_scheduling_read_by(request.user), noun="referral"
    )
    rows = [{"referral": r, "detail": waiting_detail(r)} for r in paged.rows]
    return render(request, "referrals/awaiting_scheduling.html", {"paged": paged, "rows": rows})


_LIST_COLUMNS = (
    "pk",
    "status",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_name",
    "pupil__preferred_last_name",
    "school__name",
    "meeting__date",
)


def _list_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each referral of the page as the table prints it."""
    statuses = dict(Referral.Status.choices)
    return [
        {
            "pk": row["pk"],
            "pupil": display_name_of(
                row["pupil__legal_first_name"],
                row["pupil__legal_last_name"],
                row["pupil__preferred_name"],
                row["pupil__preferred_last_name"],
            ),
            "school": row["school__name"],
            "status": row["status"],
            "status_label": statuses.get(row["status"], row["status"]),
            "meeting_date": row["meeting__date"],
        }
        for row in rows
    ]


def _rows_html(rows: Sequence[dict[str, Any]]) -> str:
    """The table's rows (`_list_rows`) as markup."""
    return govuk_table_rows(
        (
            govuk_link(record_url("referrals:detail", row["pk"]), row["pupil"]),
            row["school"],
            govuk_tag(row["status_label"], status_colour(row["status"])),
            govuk_date(row["meeting_date"]) if row["meeting_date"] else "Not yet scheduled",
        )
        for row in rows
    )


_REFERRAL_NOUNS = {
    selectors.SHOW_OPEN: "open referral",
    selectors.SHOW_CLOSED: "closed or withdrawn referral",
    selectors.SHOW_ALL: "referral",
}

REFERRAL_COLUMNS = ("UPN", "Pupil", "School", "Status", "Panel meeting", "Last changed")


@access_rule(policies.can_view_referrals)
@requires_recent_second_factor
def referral_export(request: SignedInRequest, fmt: str) -> HttpResponseBase:
    """The page's referrals (open, closed or all, as `?status=` asks; every page of
    them), in its order, as CSV or XLSX: a bulk export, so the code is asked for again
    and the export is logged."""
    show = selectors.shown(request.GET.get("status"))
    statuses = dict(Referral.Status.choices)
    columns = selectors.referrals_to_export(request.user, show).values_list(
        "pupil__upn",
        "pupil__legal_first_name",
        "pupil__legal_last_name",
        "pupil__preferred_name",
        "pupil__preferred_last_name",
        "school__name",
        "status",
        "meeting__date",
        "updated_at",
    )
    rows = (
        (
            upn,
            display_name_of(first, last, preferred, preferred_last),
            school,
            statuses.get(status, status),
            "Not yet scheduled" if meeting_date is None else meeting_date,
            updated_at,
        )
        # Only the columns written, in one query with its joins, as tuples, read in
        # chunks as the CSV streams out.
        for (
            upn,
            first,
            last,
            preferred,
            preferred_last,
            school,
            status,
            meeting_date,
            updated_at,
        ) in columns.iterator(chunk_size=2000)
    )
    return download(
        fmt, Sheet(f"referrals-{timezone.localdate():%Y-%m-%d}", REFERRAL_COLUMNS, rows)
    )


@access_rule(policies.can_draft_referrals)
def start_referral(request: SignedInRequest) -> HttpResponse:
    pupils = selectors.pupils_referable_by(request.user)
    form = forms.StartReferralForm(request.POST or None, pupils=pupils)
    return handle_form(
        request,
        form,
        lambda: services.start_referral(by=request.user, pupil=form.cleaned_data["pupil"]),
        success_message=None,
        redirect_to=_detail_url,
        template="referrals/start.html",
    )


@access_rule(policies.can_use_service)
def referral_detail(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = selectors.read_referral_for(request.user, referral_id)
    user = request.user
    all_complete = not incomplete_sections(referral)
    tasks = [
        {"section": s, "status": s.status(referral), "url": _section_url(referral, s.slug)}
        for s in SECTIONS
    ]
    decisions = list(
        referral.decisions.select_related(
            "meeting", "provider", "recorded_by", "placement__provider"
        )
    )
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
            "can_withdraw": workflow.can_withdraw(user, referral),
            "can_close": workflow.can_close(user, referral),
            "decisions": decisions,
            "letters": panels.letters_for_referral(referral) if decisions else [],
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
    return handle_form(
        request,
        form,
        lambda: services.update_section(
            referral,
            by=request.user,
            section=section,
            values=form.section_values(),
            version=form.cleaned_data["version"],
        ),
        success_message=f"{spec.title}: saved.",
        redirect_to=_detail_url(referral),
        template="referrals/section_form.html",
        context={"referral": referral, "section": spec},
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
    done, _ = attempt(
        form,
        lambda: services.update_section(
            referral,
            by=request.user,
            section=section,
            values={flag: form.cleaned_data["finished"]},
            version=form.cleaned_data["version"],
        ),
    )
    return done


@access_rule(policies.can_draft_referrals)
def interventions(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    if not referral.is_editable:
        return _detail(referral)
    adding = _adding(request)
    form = forms.InterventionForm(request.POST if adding else None)
    return _list_section(
        request,
        referral,
        form,
        lambda: services.add_intervention(referral, by=request.user, **form.cleaned_data),
        section="interventions",
        added="Intervention added.",
        context={"interventions": referral.interventions.all()},
    )


def _adding(request: SignedInRequest) -> bool:
    """Is this POST the section's add form (not its "finished" form)?"""
    return request.method == "POST" and "finished" not in request.POST


def _list_section(
    request: SignedInRequest,
    referral: Referral,
    form: BaseForm,
    add: Callable[[], object],
    *,
    section: str,
    added: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A section that is a list (interventions, documents): a form adds an entry (`add`,
    then back to the section), a second form marks the section finished (then back to
    the referral); otherwise the section's page, `referrals/<section>.html`."""
    finished = _finished_form(request, referral, f"{section}_complete")
    done = submit_form(
        request,
        form,
        add,
        success_message=added,
        redirect_to=reverse(f"referrals:{section}", kwargs={"referral_id": referral.pk}),
    )
    if done:
        return done
    if finished.is_bound and _save_finished(request, referral, finished, section=section):
        return _detail(referral)
    return render(
        request,
        f"referrals/{section}.html",
        {"referral": referral, "form": form, "finished_form": finished, **context},
    )


@access_rule(policies.can_draft_referrals)
@require_POST
def remove_intervention(
    request: SignedInRequest, referral_id: int, intervention_id: int
) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    return run_action(
        request,
        lambda: services.remove_intervention(
            referral, by=request.user, intervention_id=intervention_id
        ),
        success_message="Intervention removed.",
        redirect_to=reverse("referrals:interventions", kwargs={"referral_id": referral.pk}),
    )


@access_rule(policies.can_draft_referrals)
def documents(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    if not referral.is_editable:
        return _detail(referral)
    adding = _adding(request)
    form = forms.DocumentForm(request.POST if adding else None, request.FILES if adding else None)
    return _list_section(
        request,
        referral,
        form,
        lambda: services.add_document(
            referral,
            by=request.user,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["upload"],
        ),
        section="documents",
        added="Document uploaded.",
        context={"documents": referral.documents.all()},
    )


@access_rule(policies.can_use_service)
def download_document(
    request: SignedInRequest, referral_id: int, document_id: int
) -> HttpResponseBase:
    document = selectors.read_document_for(request.user, referral_id, document_id)
    try:
        return file_response(
            document.stored_path, download_name=document.original_name, extension=document.extension
        )
    except FileNotFoundError:
        raise Http404("The file is missing.") from None


@access_rule(policies.can_draft_referrals)
@require_POST
def remove_document(request: SignedInRequest, referral_id: int, document_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    return run_action(
        request,
        lambda: services.remove_document(referral, by=request.user, document_id=document_id),
        success_message="Document removed.",
        redirect_to=reverse("referrals:documents", kwargs={"referral_id": referral.pk}),
    )


def _confirm(
    request: SignedInRequest,
    referral: Referral,
    *,
    action: Any,
    heading: str,
    submit: str,
    done: str,
    intro: str = "",
    show_consent: bool = False,
) -> HttpResponse:
    form = ConfirmForm(posted(request), submit_label=submit)
    return handle_form(
        request,
        form,
        action,
        success_message=done,
        redirect_to=_detail_url(referral),
        template="referrals/confirm.html",
        context={
            "referral": referral,
            "heading": heading,
            "intro": intro,
            "show_consent": show_consent,
        },
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
        show_consent=True,
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
        show_consent=True,
    )


@access_rule(policies.can_draft_referrals)
def withdraw(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = _editable_referral(request, referral_id)
    return _reason_page(
        request,
        label="Why is the referral being withdrawn?",
        submit="Withdraw referral",
        action=lambda reason: workflow.withdraw_referral(referral, by=request.user, reason=reason),
        done="Referral withdrawn.",
        redirect_to=_detail_url(referral),
        template="referrals/confirm.html",
        context={"referral": referral, "heading": "Withdraw the referral"},
    )


def _reason_page(
    request: SignedInRequest,
    *,
    label: str,
    submit: str,
    action: Callable[[str], object],
    done: str,
    redirect_to: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A page that asks why (`label`) and hands the reason to `action` (a workflow step)."""
    form = forms.ReasonTextForm(request.POST or None, label=label, submit=submit)
    return handle_form(
        request,
        form,
        lambda: action(form.cleaned_data["reason"]),
        success_message=done,
        redirect_to=redirect_to,
        template=template,
        context=context,
    )


@access_rule(policies.can_schedule_meetings)
@require_POST
def close(request: SignedInRequest, referral_id: int) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, referral_id)
    return run_action(
        request,
        lambda: workflow.close_referral(referral, by=request.user),
        success_message="Referral closed.",
        redirect_to=_detail_url(referral),
    )


# --- emergency route ---------------------------------------------------------------


@access_rule(policies.can_arrange_emergencies)
def emergency_new(request: SignedInRequest) -> HttpResponse:
    form = forms.EmergencyForm(
        request.POST or None,
        pupils=selectors.pupils_for_emergency(request.user),
        providers=provider_options_for_placement(request.user, today=timezone.localdate()),
    )
    idempotency.add_key_field(form)
    started = submit_form(
        request,
        form,
        lambda: workflow.arrange_emergency_placement(by=request.user, **form.service_values()),
        success_message="Emergency placement started. It goes to the next panel for ratification.",
        redirect_to=_emergency_url,
        once=Once("referrals.emergency", "This emergency placement was already started."),
    )
    if started:
        return started
    near = threshold.providers_near_threshold(form.fields["provider"].queryset)  # type: ignore[attr-defined]
    return render(
        request,
        "referrals/emergency_form.html",
        {"form": form, "threshold_warnings": [found.count.message for found in near]},
    )


def _emergency_url(emergency: EmergencyPlacement) -> str:
    return reverse("referrals:emergency_detail", kwargs={"emergency_id": emergency.pk})


@access_rule(policies.can_use_service)
def emergency_detail(request: SignedInRequest, emergency_id: int) -> HttpResponse:
    emergency = selectors.read_emergency_for(request.user, emergency_id)
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
            "can_end": workflow.can_end_unratified(request.user, emergency),
        },
    )


@access_rule(policies.can_arrange_emergencies)
def emergency_end(request: SignedInRequest, emergency_id: int) -> HttpResponse:
    emergency = selectors.get_emergency_for(request.user, emergency_id)
    if not policies.can_end_unratified_placement(request.user, emergency):
        raise Http404("No such emergency placement.")
    return _reason_page(
        request,
        label="What happens for the pupil now?",
        submit="End the placement",
        action=lambda reason: workflow.end_unratified_emergency(
            emergency, by=request.user, reason=reason
        ),
        done="Placement ended.",
        redirect_to=_emergency_url(emergency),
        template="referrals/emergency_end.html",
        context={"emergency": emergency},
    )
