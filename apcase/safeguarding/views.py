"""Safeguarding concern pages. Reads go through `selectors` (scoped, access-logged),
changes through `services`."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.core.drafts import take_concern_draft
from apcase.core.errors import DomainError
from apcase.core.forms import show_domain_error
from apcase.core.uploads import file_response

from . import selectors, services
from .forms import ActionForm, AddendumForm, CloseForm, ConcernForm, ConfirmForm, ReviewForm
from .models import ConcernCategory, ConcernStatus


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@access_rule(policies.can_raise_concerns)
def choose_pupil(request: SignedInRequest) -> HttpResponse:
    pupils = selectors.pupils_to_raise_concerns_about(request.user)
    chosen = _int(request.GET.get("pupil"))
    if chosen is not None and pupils.filter(pk=chosen).exists():
        return redirect("safeguarding:raise", pupil_id=chosen)
    error = "Select the child the concern is about." if "pupil" in request.GET else ""
    return render(request, "safeguarding/choose_pupil.html", {"pupils": pupils, "error": error})


@access_rule(policies.can_raise_concerns)
def raise_concern(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_raise_about(request.user, pupil_id)
    draft = "" if request.method == "POST" else take_concern_draft(request.session, pupil.pk)
    form = ConcernForm(request.POST or None, request.FILES or None, initial={"account": draft})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = services.ConcernReport(
            occurred_at=form.occurred_at(),
            category=data["category"],
            account=data["account"],
            body_location=data["body_location"],
            immediate_action=data["immediate_action"],
            others_involved=data["others_involved"],
        )
        try:
            concern = services.raise_concern(
                pupil, by=request.user, report=report, attachments=[data.get("attachment")]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return redirect("safeguarding:receipt", concern_id=concern.pk)
    return render(request, "safeguarding/raise.html", {"form": form, "pupil": pupil})


@access_rule(policies.can_open_concerns)
def receipt(request: SignedInRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern_for(request.user, concern_id)
    return render(request, "safeguarding/receipt.html", {"concern": concern})


@access_rule(policies.can_list_concerns)
def concern_list(request: SignedInRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    concerns = selectors.concern_list_for(
        request.user,
        status=status,
        category=category,
        pupil_id=_int(request.GET.get("pupil")),
        provider_id=_int(request.GET.get("provider")),
    )
    return render(
        request,
        "safeguarding/list.html",
        {
            "concerns": concerns,
            "status": status,
            "category": category,
            "statuses": ConcernStatus.choices,
            "categories": ConcernCategory.objects.all(),
        },
    )


@access_rule(policies.can_open_concerns)
def detail(request: SignedInRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern_for(request.user, concern_id)
    handler = policies.can_handle_concern(request.user, concern)
    return render(
        request,
        "safeguarding/detail.html",
        {
            "concern": concern,
            "addenda": concern.addenda.select_related("written_by"),
            "actions": concern.actions.select_related("recorded_by"),
            "attachments": concern.attachments.all(),
            "is_handler": handler,
            "sees_handling": policies.can_see_concern_handling(request.user, concern),
            "can_add": policies.can_add_to_concern(request.user, concern),
        },
    )


def _handle(
    request: SignedInRequest,
    concern_id: int,
    form_class: type,
    run: Any,
    *,
    heading: str,
    done: str,
    may: Any = policies.can_handle_concern,
) -> HttpResponse:
    """Show a concern's form; on a valid POST run the service and go back to the concern."""
    concern = selectors.get_concern_for(request.user, concern_id)
    if not may(request.user, concern):
        raise Http404("No such concern.")
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run(concern, form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect("safeguarding:detail", concern_id=concern.pk)
    return render(
        request,
        "safeguarding/form.html",
        {"form": form, "concern": concern, "heading": heading},
    )


@access_rule(policies.can_list_concerns)
def add_action(request: SignedInRequest, concern_id: int) -> HttpResponse:
    return _handle(
        request,
        concern_id,
        ActionForm,
        lambda concern, data: services.record_action(concern, by=request.user, **data),
        heading="Record an action",
        done="Action recorded.",
    )


@access_rule(policies.can_open_concerns)
def add_addendum(request: SignedInRequest, concern_id: int) -> HttpResponse:
    return _handle(
        request,
        concern_id,
        AddendumForm,
        lambda concern, data: services.add_addendum(concern, by=request.user, **data),
        heading="Add a correction or update",
        done="Added to the record.",
        may=policies.can_add_to_concern,
    )


@access_rule(policies.can_list_concerns)
def set_review(request: SignedInRequest, concern_id: int) -> HttpResponse:
    return _handle(
        request,
        concern_id,
        ReviewForm,
        lambda concern, data: services.set_review_date(concern, by=request.user, **data),
        heading="Set a review date",
        done="Review date set.",
    )


@access_rule(policies.can_list_concerns)
def close(request: SignedInRequest, concern_id: int) -> HttpResponse:
    return _handle(
        request,
        concern_id,
        CloseForm,
        lambda concern, data: services.close(concern, by=request.user, **data),
        heading="Close the concern",
        done="Concern closed.",
    )


@require_POST
@access_rule(policies.can_list_concerns)
def acknowledge(request: SignedInRequest, concern_id: int) -> HttpResponse:
    return _handle(
        request,
        concern_id,
        ConfirmForm,
        lambda concern, _data: services.acknowledge(concern, by=request.user),
        heading="Acknowledge the concern",
        done="Concern acknowledged.",
    )


@require_POST
@access_rule(policies.can_list_concerns)
def escalate(request: SignedInRequest, concern_id: int) -> HttpResponse:
    return _handle(
        request,
        concern_id,
        ConfirmForm,
        lambda concern, _data: services.escalate(concern, by=request.user),
        heading="Share the concern with the local authority",
        done="Concern shared with the local authority's officers.",
    )


@access_rule(policies.can_list_concerns)
def viewed_by(request: SignedInRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern_for(request.user, concern_id)
    if not policies.can_handle_concern(request.user, concern):
        raise Http404("No such concern.")
    entries = selectors.who_viewed(concern)[:500]
    return render(request, "safeguarding/viewed_by.html", {"concern": concern, "entries": entries})


@access_rule(policies.can_open_concerns)
def attachment(request: SignedInRequest, concern_id: int, attachment_id: int) -> HttpResponse:
    found = selectors.get_attachment_for(request.user, concern_id, attachment_id)
    return file_response(
        found.stored_path, download_name=found.original_name, extension=found.extension
    )
