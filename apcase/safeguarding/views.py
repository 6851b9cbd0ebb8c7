"""Safeguarding concern pages. Reads go through `selectors` (scoped, access-logged),
changes through `services`."""

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.core.drafts import take_concern_draft
from apcase.core.pagination import paginate
from apcase.core.pdf import pdf_download, printed
from apcase.core.uploads import file_response
from apcase.core.viewhelpers import handle_form, run_action

from . import selectors, services, workflow
from . import transfers as transfer_services
from .forms import (
    ActionForm,
    AddendumForm,
    CloseForm,
    ConcernForm,
    LinkForm,
    ReviewForm,
    StartTransferForm,
    TransferReceivedForm,
    TransferSentForm,
)
from .models import Concern, ConcernStatus


def _int(value: str | None) -> int | None:
    """An id from the address, or None for anything else ("²" and "١٢٣" included)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else None


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

    def raise_it() -> Any:
        data = form.cleaned_data
        report = services.ConcernReport(
            occurred_at=form.occurred_at(),
            category=data["category"],
            account=data["account"],
            body_location=data["body_location"],
            immediate_action=data["immediate_action"],
            others_involved=data["others_involved"],
        )
        return services.raise_concern(
            pupil, by=request.user, report=report, attachments=[data.get("attachment")]
        )

    return handle_form(
        request,
        form,
        raise_it,
        success_message=None,
        redirect_to=lambda concern: reverse("safeguarding:receipt", args=[concern.pk]),
        template="safeguarding/raise.html",
        context={"pupil": pupil},
    )


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
            "paged": paginate(request, concerns, noun="concern"),
            "status": status,
            "category": category,
            "statuses": ConcernStatus.choices,
            "categories": selectors.categories(),
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
            "links": concern.links.select_related("linked_by"),
            "attachments": concern.attachments.all(),
            "is_handler": handler,
            "sees_handling": policies.can_see_concern_handling(request.user, concern),
            "can_add": policies.can_add_to_concern(request.user, concern),
            # A reporter may open their own concern but not the list of concerns.
            "can_list": policies.can_list_concerns(request.user),
        },
    )


def _concern_form_page(
    request: SignedInRequest,
    concern_id: int,
    form_class: type,
    run: Callable[[Concern, dict[str, Any]], Any],
    *,
    heading: str,
    done: str,
    may: Callable[[Any, Concern], bool] = policies.can_handle_concern,
) -> HttpResponse:
    """One of a concern's forms: on a valid POST run the service, then back to the
    concern. Someone who may see the concern but not do this gets "not found"."""
    concern = selectors.get_concern_for(request.user, concern_id)
    if not may(request.user, concern):
        raise Http404("No such concern.")
    extra = (
        form_class.kwargs_for(concern, request.user) if hasattr(form_class, "kwargs_for") else {}
    )
    form = form_class(request.POST or None, **extra)
    return handle_form(
        request,
        form,
        lambda: run(concern, form.cleaned_data),
        success_message=done,
        redirect_to=reverse("safeguarding:detail", args=[concern.pk]),
        template="safeguarding/form.html",
        context={"concern": concern, "heading": heading},
    )


def _concern_button(
    request: SignedInRequest, concern_id: int, run: Callable[[Concern], Any], *, done: str
) -> HttpResponse:
    """A button on the concern's page (acknowledge, share): the school's DSL only."""
    concern = selectors.get_concern_for(request.user, concern_id)
    if not policies.can_handle_concern(request.user, concern):
        raise Http404("No such concern.")
    return run_action(
        request,
        lambda: run(concern),
        success_message=done,
        redirect_to=reverse("safeguarding:detail", args=[concern.pk]),
    )


def _concern_form_view(
    form_class: type,
    service: Callable[..., Any],
    *,
    heading: str,
    done: str,
    rule: Callable[[Any], bool] = policies.can_list_concerns,
    may: Callable[[Any, Concern], bool] = policies.can_handle_concern,
) -> Callable[..., HttpResponse]:
    """A page with one of a concern's forms, which calls `service(concern, by=user, ...)`."""

    @access_rule(rule)
    def view(request: SignedInRequest, concern_id: int) -> HttpResponse:
        return _concern_form_page(
            request,
            concern_id,
            form_class,
            lambda concern, data: service(concern, by=request.user, **data),
            heading=heading,
            done=done,
            may=may,
        )

    return view


def _concern_button_view(service: Callable[..., Any], *, done: str) -> Callable[..., HttpResponse]:
    """A POST-only button of the concern's page, which calls `service(concern, by=user)`."""

    @access_rule(policies.can_list_concerns)
    @require_POST
    def view(request: SignedInRequest, concern_id: int) -> HttpResponse:
        return _concern_button(
            request, concern_id, lambda concern: service(concern, by=request.user), done=done
        )

    return view


add_action = _concern_form_view(
    ActionForm, services.record_action, heading="Record an action", done="Action recorded."
)
link_record = _concern_form_view(
    LinkForm,
    services.link_record,
    heading="Link to a referral or placement",
    done="Record linked.",
)
add_addendum = _concern_form_view(
    AddendumForm,
    services.add_addendum,
    heading="Add a correction or update",
    done="Added to the record.",
    rule=policies.can_open_concerns,
    may=policies.can_add_to_concern,
)
set_review = _concern_form_view(
    ReviewForm, services.set_review_date, heading="Set a review date", done="Review date set."
)
close = _concern_form_view(
    CloseForm, workflow.close, heading="Close the concern", done="Concern closed."
)
acknowledge = _concern_button_view(workflow.acknowledge, done="Concern acknowledged.")
escalate = _concern_button_view(
    services.escalate, done="Concern shared with the local authority's officers."
)


@access_rule(policies.can_list_concerns)
def viewed_by(request: SignedInRequest, concern_id: int) -> HttpResponse:
    concern = selectors.get_concern_for(request.user, concern_id)
    if not policies.can_handle_concern(request.user, concern):
        raise Http404("No such concern.")
    entries = selectors.who_viewed(concern)[:500]
    return render(request, "safeguarding/viewed_by.html", {"concern": concern, "entries": entries})


@access_rule(policies.can_open_concerns)
def attachment(request: SignedInRequest, concern_id: int, attachment_id: int) -> FileResponse:
    found = selectors.get_attachment_for(request.user, concern_id, attachment_id)
    return file_response(
        found.stored_path, download_name=found.original_name, extension=found.extension
    )


# --- the child protection file, when a pupil leaves ------------------------------------


@access_rule(policies.can_list_concerns)
def transfers_due(request: SignedInRequest) -> HttpResponse:
    """Every child protection file still to send at the DSL's schools, soonest due first
    (the home page lists the first and links here for the rest)."""
    return render(
        request,
        "safeguarding/transfers_due.html",
        {"transfers": selectors.transfers_due_read_by(request.user), "today": timezone.localdate()},
    )


@access_rule(policies.can_list_concerns)
def transfers(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_for_transfer(request.user, pupil_id)
    form = StartTransferForm(request.POST or None)
    return handle_form(
        request,
        form,
        lambda: transfer_services.start_transfer(pupil, by=request.user, **form.cleaned_data),
        success_message=lambda t: f"Transfer started: send the file by {t.due_by:%-d %B %Y}.",
        redirect_to=reverse("safeguarding:transfers", args=[pupil.pk]),
        template="safeguarding/transfers.html",
        context={"pupil": pupil, "transfers": selectors.transfers_of(pupil)},
    )


def _transfer_form_view(
    form_class: type, service: Callable[..., Any], *, heading: str, done: str
) -> Callable[..., HttpResponse]:
    """A page with one of a transfer's forms, which calls `service(transfer, by=user, ...)`."""

    @access_rule(policies.can_list_concerns)
    def view(request: SignedInRequest, transfer_id: int) -> HttpResponse:
        transfer = selectors.get_transfer_for(request.user, transfer_id)
        form = form_class(request.POST or None)
        return handle_form(
            request,
            form,
            lambda: service(transfer, by=request.user, **form.cleaned_data),
            success_message=done,
            redirect_to=reverse("safeguarding:transfers", args=[transfer.pupil_id]),
            template="safeguarding/transfer_form.html",
            context={"transfer": transfer, "heading": heading},
        )

    return view


transfer_sent = _transfer_form_view(
    TransferSentForm,
    transfer_services.record_sent,
    heading="Record that the file was sent",
    done="Recorded as sent.",
)
transfer_received = _transfer_form_view(
    TransferReceivedForm,
    transfer_services.record_receipt,
    heading="Record that receipt was confirmed",
    done="Receipt recorded.",
)


@access_rule(policies.can_list_concerns)
def transfer_file(request: SignedInRequest, transfer_id: int) -> HttpResponse:
    """The child protection file as one PDF, for secure transfer (access-logged)."""
    transfer = selectors.read_transfer_file(request.user, transfer_id)
    context = {
        **transfer_services.file_contents(transfer.pupil),
        "transfer": transfer,
        **printed(request.user),
    }
    return pdf_download(
        "safeguarding/child_protection_file.html",
        context,
        filename=f"child-protection-file-{transfer.pupil_id}.pdf",
    )
