from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.models import Organisation
from apcase.core.errors import DomainError
from apcase.core.pagination import Paged, paginate
from apcase.core.uploads import file_response
from apcase.core.viewhelpers import handle_form, raise_for_refusal, run_action

from . import gias, selectors, services
from .assurance import Status, assurance_status, is_unregistered
from .forms import (
    AssuranceForm,
    GiasUploadForm,
    InspectionForm,
    ProviderForm,
    ServiceForm,
    SiteForm,
)
from .models import ServiceCategory
from .ofsted import REPORT_CARD_AREAS, ReportCardGrade, Scale
from .threshold import threshold_for

ERRORS_SHOWN = 200


def _provider_url(provider_id: int) -> str:
    return reverse("directory:provider_detail", kwargs={"provider_id": provider_id})


FILTER_LABELS = {
    "type": "type of establishment",
    "assurance": "assurance status",
    "service": "service offered",
    "registration": "registration",
}


def _filter_value(
    request: SignedInRequest, name: str, allowed: set[str] | Callable[[str], bool]
) -> str:
    """The filter's value if it is one of the choices; otherwise "" (the filter is not
    applied) and a message saying so. A type code must be ASCII digits before int():
    "²" is a digit to str.isdigit but not to int()."""
    value = request.GET.get(name, "")
    ok = allowed(value) if callable(allowed) else value in allowed
    if value and not ok:
        messages.error(
            request,
            f"Choose the {FILTER_LABELS[name]} from the list: "
            f"“{value[:50]}” is not one of the choices, so that filter was not applied.",
        )
        return ""
    return value


@access_rule(policies.can_watch_authority_assurance)
def lapsing_assurance(request: SignedInRequest) -> HttpResponse:
    """Every expiring or expired assurance record of the providers in the officer's
    directory, the first to run out first, a page at a time (the home page lists the
    first and links here for the rest)."""
    found = selectors.lapsing_assurance_read_by(request.user, today=timezone.localdate())
    paged = paginate(request, found, noun="assurance record")
    rows = [
        {
            "record": record,
            "expired": state == Status.EXPIRED,
            "text": services.lapse_text(record, state),
        }
        for record, state in paged.rows
    ]
    return render(request, "directory/lapsing_assurance.html", {"paged": paged, "rows": rows})


@access_rule(policies.can_view_directory)
def provider_list(request: SignedInRequest) -> HttpResponse:
    query = request.GET
    types = selectors.provider_types_in(request.user)
    chosen = {
        # Any GIAS type code (ASCII digits), listed here or not: an unlisted one matches none.
        "type": _filter_value(request, "type", lambda v: gias.is_number(v) and len(v) <= 4),
        "assurance": _filter_value(request, "assurance", {*Status.values, "not_assured"}),
        "service": _filter_value(request, "service", set(ServiceCategory.values)),
        "registration": _filter_value(request, "registration", {"registered", "unregistered"}),
    }
    today = timezone.localdate()
    providers = selectors.search_providers(
        request.user,
        today=today,
        # A NUL cannot be searched for (PostgreSQL refuses it in text); drop it.
        text=query.get("q", "").replace("\x00", "")[:100],
        type_code=int(chosen["type"]) if chosen["type"] else None,
        assurance=chosen["assurance"],
        service=chosen["service"],
        registration=chosen["registration"],
        include_closed=query.get("closed") == "yes",
    )
    # The count and the page's keys in one query of the providers alone (no assurance
    # records joined and grouped unless the list is filtered by assurance), then only
    # the page's providers read with their assurance and services, as the table shows them.
    keys: Paged[Any] = paginate(
        request, providers.values("pk"), noun="provider", count_in_page=True
    )
    shown = selectors.providers_shown(request.user, [row["pk"] for row in keys.rows], today=today)
    return render(
        request,
        "directory/provider_list.html",
        {
            "paged": replace(keys, rows=shown),
            "query": query,
            "types": types,
            "statuses": [
                *Status.choices,
                (
                    "not_assured",
                    "Not assured (no vetting confirmation, or an Inadequate or "
                    "safeguarding-not-met inspection)",
                ),
            ],
            "services": ServiceCategory.choices,
            "can_add": policies.can_edit_directory(request.user),
            "can_import": policies.can_import_gias(request.user),
        },
    )


@access_rule(policies.can_view_directory)
def provider_detail(request: SignedInRequest, provider_id: int) -> HttpResponse:
    provider = selectors.get_provider_for(request.user, provider_id)
    today = timezone.localdate()
    inspections = list(provider.inspections.all())
    records = list(provider.assurance_records.all())
    return render(
        request,
        "directory/provider_detail.html",
        {
            "provider": provider,
            "profile": services.profile_of(provider),
            "assurance": assurance_status(
                records,
                unregistered=is_unregistered(provider),
                today=today,
                latest_inspection=inspections[0] if inspections else None,
            ),
            "records": sorted(records, key=lambda r: (r.kind, r.expires_on), reverse=True),
            "latest_inspection": inspections[0] if inspections else None,
            "inspections": inspections,
            "report_card_areas": REPORT_CARD_AREAS,
            "report_card_grades": dict(ReportCardGrade.choices),
            "legacy": Scale.LEGACY,
            "threshold": threshold_for(provider, on=today),
            "can_edit": policies.can_edit_provider(request.user, provider),
        },
    )


@access_rule(policies.can_edit_directory)
def provider_add(request: SignedInRequest) -> HttpResponse:
    authority = selectors.editable_authorities(request.user).first()
    if authority is None:
        raise PermissionDenied
    form = ProviderForm(
        request.POST or None, initial={"registration": "unregistered"}, submit_label="Add provider"
    )
    return handle_form(
        request,
        form,
        lambda: services.create_provider(
            by=request.user,
            local_authority=authority,
            organisation=form.organisation_values(),
            profile=form.profile_values(),
        ),
        success_message=lambda provider: f"{provider.name} added to the directory.",
        redirect_to=lambda provider: _provider_url(provider.pk),
        template="directory/provider_form.html",
        context={"heading": "Add a provider", "authority": authority},
    )


@access_rule(policies.can_edit_directory)
def provider_edit(request: SignedInRequest, provider_id: int) -> HttpResponse:
    provider = selectors.get_provider_for_edit(request.user, provider_id)
    profile = services.profile_of(provider)
    initial = {f: getattr(provider, f) for f in ProviderForm.ORGANISATION}
    initial.update({f: getattr(profile, f) for f in ProviderForm.PROFILE})
    initial["version"] = profile.version
    form = ProviderForm(request.POST or None, initial=initial, gias_held=provider.urn is not None)
    return handle_form(
        request,
        form,
        lambda: services.update_provider(
            by=request.user,
            provider=provider,
            version=form.cleaned_data["version"] or 0,
            organisation=form.organisation_values(),
            profile=form.profile_values(),
        ),
        success_message="Provider details saved.",
        redirect_to=_provider_url(provider.pk),
        template="directory/provider_form.html",
        context={"heading": f"Change {provider.name}", "provider": provider},
    )


def _provider_form_page(
    request: SignedInRequest,
    provider_id: int,
    form_class: type[forms.Form],
    template_heading: str,
    save: Any,
    done: str,
) -> HttpResponse:
    provider = selectors.get_provider_for_edit(request.user, provider_id)
    form = form_class(request.POST or None, request.FILES or None)
    return handle_form(
        request,
        form,
        lambda: save(provider, form),
        success_message=done,
        redirect_to=_provider_url(provider.pk),
        template="directory/provider_part_form.html",
        context={"heading": template_heading, "provider": provider},
    )


@access_rule(policies.can_edit_directory)
def site_add(request: SignedInRequest, provider_id: int) -> HttpResponse:
    def save(provider: Organisation, form: Any) -> None:
        services.add_site(by=request.user, provider=provider, values=form.cleaned_data)

    return _provider_form_page(request, provider_id, SiteForm, "Add a site", save, "Site added.")


@access_rule(policies.can_edit_directory)
def service_add(request: SignedInRequest, provider_id: int) -> HttpResponse:
    def save(provider: Organisation, form: Any) -> None:
        services.add_service(by=request.user, provider=provider, **form.cleaned_data)

    return _provider_form_page(
        request, provider_id, ServiceForm, "Add a service", save, "Service added."
    )


@access_rule(policies.can_edit_directory)
def inspection_add(request: SignedInRequest, provider_id: int) -> HttpResponse:
    def save(provider: Organisation, form: Any) -> None:
        data = form.cleaned_data
        services.record_inspection(
            by=request.user,
            provider=provider,
            scale=data["scale"],
            inspected_on=data["inspected_on"],
            overall_grade=data["overall_grade"],
            area_grades=form.area_grades(),
            safeguarding_met=data["safeguarding_met"],
            today=timezone.localdate(),
        )

    return _provider_form_page(
        request,
        provider_id,
        InspectionForm,
        "Record an Ofsted inspection",
        save,
        "Inspection recorded.",
    )


@access_rule(policies.can_edit_directory)
def assurance_add(request: SignedInRequest, provider_id: int) -> HttpResponse:
    def save(provider: Organisation, form: Any) -> None:
        values = dict(form.cleaned_data)
        document = values.pop("document")
        services.add_assurance_record(
            by=request.user,
            provider=provider,
            details=services.AssuranceDetails(**values),
            document=document,
            today=timezone.localdate(),
        )

    return _provider_form_page(
        request,
        provider_id,
        AssuranceForm,
        "Add assurance evidence",
        save,
        "Assurance record added.",
    )


@access_rule(policies.can_edit_directory)
@require_POST
def site_deactivate(request: SignedInRequest, provider_id: int, site_id: int) -> HttpResponse:
    site = selectors.get_site_for_edit(request.user, provider_id, site_id)
    return run_action(
        request,
        lambda: services.deactivate_site(by=request.user, site=site),
        success_message=f"{site.name} marked as no longer used.",
        redirect_to=_provider_url(provider_id),
    )


@access_rule(policies.can_edit_directory)
@require_POST
def service_remove(request: SignedInRequest, provider_id: int, service_id: int) -> HttpResponse:
    service = selectors.get_service_for_edit(request.user, provider_id, service_id)
    return run_action(
        request,
        lambda: services.remove_service(by=request.user, service=service),
        success_message=f"{service.name} removed.",
        redirect_to=_provider_url(provider_id),
    )


@access_rule(policies.can_view_directory)
def assurance_evidence(
    request: SignedInRequest, provider_id: int, record_id: int
) -> HttpResponseBase:
    record = selectors.read_assurance_evidence_for(request.user, provider_id, record_id)
    return file_response(
        record.document_path,
        download_name=record.document_name,
        extension=record.document_extension,
    )


@access_rule(policies.can_import_gias)
def gias_import(request: SignedInRequest) -> HttpResponse:
    """Synchronous: the file is checked and applied in the request (50,000 rows take a
    few seconds), then the result page shows what was done, with the rows processed as
    a <progress> bar and in words."""

    def new_form(*args: Any) -> GiasUploadForm:
        return GiasUploadForm(
            *args,
            authorities=selectors.gias_import_authorities(request.user),
            national=policies.can_import_gias_nationally(request.user),
        )

    form = new_form(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > gias.max_upload_bytes():
                raise gias.GiasFileError(
                    f"The file must be smaller than {gias.max_upload_bytes() // (1024 * 1024)} MB."
                )
            result = services.import_gias(
                by=request.user,
                data=upload.read(),
                filename=upload.name or "gias.csv",
                skip_invalid=form.cleaned_data["skip_invalid"],
                **form.import_scope(),
            )
        except gias.GiasFileError as error:
            form.add_error("file", str(error))
        except DomainError as error:
            raise_for_refusal(error)
            raise
        else:
            return render(
                request,
                "directory/gias_result.html",
                {
                    "result": result,
                    "errors": result.errors[:ERRORS_SHOWN],
                    "more_errors": max(len(result.errors) - ERRORS_SHOWN, 0),
                    "form": new_form(),
                    "filename": upload.name,
                    "authority": form.import_scope().get("authority"),
                },
            )
    return render(request, "directory/gias_form.html", {"form": form})
