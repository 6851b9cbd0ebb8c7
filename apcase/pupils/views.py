from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.chronology.selectors import pupil_chronology
from apcase.chronology.services import log_access
from apcase.core import idempotency, uploads
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.core.exports import csv_response
from apcase.core.forms import show_domain_error
from apcase.reference.census import MAX_SUSPENSION_DAYS_PER_YEAR, ExclusionKind
from apcase.schooldays.calculator import school_year_label, school_year_of

from . import mis_import, registry, selectors, services
from .forms import (
    CarerForm,
    ExclusionForm,
    ImportForm,
    PhotoForm,
    PupilFilterForm,
    PupilForm,
    carer_initial,
)
from .models import Pupil


def _filtered(request: SignedInRequest) -> tuple[PupilFilterForm, Any]:
    form = PupilFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "nc_year": data["year"],
            "sen_status": data["sen"],
            "in_ap": data["in_ap"],
        }
    return form, selectors.search_pupils(request.user, **filters)


@access_rule(policies.can_view_pupils)
def pupil_list(request: SignedInRequest) -> HttpResponse:
    form, pupils = _filtered(request)
    context = {
        "filter_form": form,
        "pupils": pupils[:500],
        "count": pupils.count(),
        "can_create": policies.can_edit_pupils(request.user),
        "can_import": policies.can_import_pupils(request.user),
        "query_string": request.GET.urlencode(),
    }
    return render(request, "pupils/pupil_list.html", context)


@access_rule(policies.can_view_pupils)
def pupil_export(request: SignedInRequest) -> HttpResponse:
    _, pupils = _filtered(request)
    rows = [
        [
            p.upn,
            p.legal_last_name,
            p.legal_first_name,
            p.preferred_name,
            p.date_of_birth,
            p.get_nc_year_display(),
            p.get_sen_status_display(),
            p.school.name,
        ]
        for p in pupils
    ]
    log_access(by=request.user, action="pupils.exported", target=("pupils.pupil", "list"))
    header = [
        "UPN",
        "Legal surname",
        "Legal forename",
        "Preferred forename",
        "Date of birth",
        "Year",
        "SEN",
        "School",
    ]
    return csv_response(f"pupils-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


@access_rule(policies.can_edit_pupils)
def pupil_create(request: SignedInRequest) -> HttpResponse:
    schools = selectors.schools_editable_by(request.user)
    only_school = schools.first() if schools.count() == 1 else None
    show_cp = only_school is not None and policies.can_see_child_protection(
        request.user, only_school
    )
    form = PupilForm(
        request.POST or None,
        schools=schools,
        show_child_protection=show_cp,
        submit_label="Add pupil",
        initial={"sen_status": "N"},
    )
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data.get("school") or schools.get()
        try:
            pupil = services.create_pupil(
                by=request.user, school=school, values=form.pupil_values()
            )
        except ValidationFailed as error:
            show_domain_error(form, error)
        except NotPermitted as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{pupil.display_name} added.")
            return redirect("pupils:detail", pupil_id=pupil.pk)
    return render(request, "pupils/pupil_form.html", {"form": form, "heading": "Add a pupil"})


@access_rule(policies.can_view_pupils)
def pupil_detail(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_for(request.user, pupil_id)
    view = selectors.view_of_pupil_for(request.user, pupil)
    log_access(
        by=request.user,
        action=f"pupil.viewed.{view}",
        target=pupil,
        organisation=pupil.school,
        pupil_id=pupil.pk,
    )
    if view != selectors.SCHOOL:
        summary = selectors.placement_view_of(pupil)
        return render(request, "pupils/pupil_placement_view.html", {"pupil": summary})
    pupil = selectors.pupil_for_school_view(pupil)
    context = {
        "pupil": pupil,
        "carers": list(pupil.carers.all()),
        "history": selectors.exclusion_history(pupil),
        "can_edit": policies.can_edit_pupil_at(request.user, pupil.school),
        "can_see_cp": policies.can_see_child_protection(request.user, pupil.school),
        "can_read_chronology": policies.can_read_chronology_of(request.user, pupil.school),
        "sections": registry.sections_for(pupil),
    }
    return render(request, "pupils/pupil_detail.html", context)


@access_rule(policies.can_read_chronologies)
def pupil_chronology_view(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_for(request.user, pupil_id)
    if not policies.can_read_chronology_of(request.user, pupil.school):
        raise Http404("No such pupil.")
    can_see_cp = policies.can_see_child_protection(request.user, pupil.school)
    log_access(
        by=request.user,
        action="pupil.chronology_viewed",
        target=pupil,
        organisation=pupil.school,
        pupil_id=pupil.pk,
    )
    entries = pupil_chronology(pupil.pk, include_child_protection=can_see_cp)
    return render(
        request,
        "pupils/pupil_chronology.html",
        {"pupil": pupil, "entries": entries, "can_see_cp": can_see_cp},
    )


def _pupil_initial(pupil: Pupil) -> dict[str, Any]:
    names = [n for n in PupilForm.base_fields if n not in ("school",)]
    initial = {n: getattr(pupil, n) for n in names if hasattr(pupil, n)}
    return initial


@access_rule(policies.can_edit_pupils)
def pupil_edit(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    show_cp = policies.can_see_child_protection(request.user, pupil.school)
    if request.method == "GET":
        # The form shows every detail held, child-protection flags included.
        log_access(
            by=request.user,
            action="pupil.edit_form_viewed",
            target=pupil,
            organisation=pupil.school,
            pupil_id=pupil.pk,
        )
    form = PupilForm(
        request.POST or None,
        initial=_pupil_initial(pupil),
        show_child_protection=show_cp,
        submit_label="Save changes",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_pupil(
                by=request.user,
                pupil=pupil,
                version=form.cleaned_data.get("version") or 0,
                values=form.pupil_values(),
            )
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Pupil details saved.")
            return redirect("pupils:detail", pupil_id=pupil.pk)
    heading = f"Change {pupil.display_name}’s details"
    return render(
        request, "pupils/pupil_form.html", {"form": form, "heading": heading, "pupil": pupil}
    )


@access_rule(policies.can_edit_pupils)
def carer_add(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    form = CarerForm(request.POST or None, submit_label="Add carer")
    if request.method == "POST" and form.is_valid():
        try:
            services.add_carer(by=request.user, pupil=pupil, values=form.cleaned_data)
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Carer added.")
            return redirect(reverse("pupils:detail", args=[pupil.pk]) + "#carers")
    context = {"form": form, "heading": f"Add a carer for {pupil.display_name}", "pupil": pupil}
    return render(request, "pupils/pupil_form.html", context)


@access_rule(policies.can_edit_pupils)
def carer_edit(request: SignedInRequest, pupil_id: int, carer_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    carer = selectors.get_carer_for(request.user, pupil, carer_id)
    form = CarerForm(request.POST or None, initial=carer_initial(carer), submit_label="Save carer")
    if request.method == "POST" and form.is_valid():
        try:
            services.update_carer(by=request.user, carer=carer, values=form.cleaned_data)
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Carer saved.")
            return redirect(reverse("pupils:detail", args=[pupil.pk]) + "#carers")
    context = {"form": form, "heading": f"Change {carer.name}’s details", "pupil": pupil}
    return render(request, "pupils/pupil_form.html", context)


@access_rule(policies.can_edit_pupils)
def carer_remove(request: SignedInRequest, pupil_id: int, carer_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    carer = selectors.get_carer_for(request.user, pupil, carer_id)
    if request.method == "POST":
        services.remove_carer(by=request.user, carer=carer)
        messages.success(request, f"{carer.name} removed.")
        return redirect(reverse("pupils:detail", args=[pupil.pk]) + "#carers")
    return render(request, "pupils/carer_remove.html", {"pupil": pupil, "carer": carer})


def _remaining_this_year(pupil: Pupil) -> Decimal:
    year = school_year_of(timezone.localdate())
    used = selectors.suspension_days_in_year(pupil, year)
    return max(Decimal(MAX_SUSPENSION_DAYS_PER_YEAR) - used, Decimal("0")).normalize()


@access_rule(policies.can_edit_pupils)
def exclusion_add(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    form = ExclusionForm(
        request.POST or None,
        remaining_days=_remaining_this_year(pupil),
        submit_label="Record exclusion",
        initial={"kind": ExclusionKind.SUSPENSION},
    )
    idempotency.add_key_field(form)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded_url = reverse("pupils:detail", args=[pupil.pk]) + "#exclusions"
        try:
            outcome = idempotency.once(
                user=request.user,
                action="pupils.exclusion",
                key=idempotency.key_of(request.POST),
                run=lambda: services.record_exclusion(
                    by=request.user,
                    pupil=pupil,
                    kind=data["kind"],
                    start_date=data["start_date"],
                    length_days=data.get("length_days"),
                    reasons=form.reasons(),
                    la_notified_date=data.get("la_notified_date"),
                    notes=data.get("notes", ""),
                ),
                result_url=lambda _exclusion: recorded_url,
            )
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            if isinstance(outcome, idempotency.Replayed):
                messages.info(request, "This exclusion was already recorded.")
                return redirect(outcome.url)
            messages.success(request, "Exclusion recorded.")
            return redirect(recorded_url)
    context = {
        "form": form,
        "heading": f"Record a suspension or exclusion for {pupil.display_name}",
        "pupil": pupil,
        "year_label": school_year_label(school_year_of(timezone.localdate())),
    }
    return render(request, "pupils/pupil_form.html", context)


@access_rule(policies.can_edit_pupils)
def exclusion_edit(request: SignedInRequest, pupil_id: int, exclusion_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    exclusion = selectors.get_exclusion_for(request.user, pupil, exclusion_id)
    initial = {
        "start_date": exclusion.start_date,
        "length_days": exclusion.length_days,
        "reason_1": exclusion.reason_1,
        "reason_2": exclusion.reason_2,
        "reason_3": exclusion.reason_3,
        "la_notified_date": exclusion.la_notified_date,
        "notes": exclusion.notes,
    }
    form = ExclusionForm(
        request.POST or None, initial=initial, kind=exclusion.kind, submit_label="Save changes"
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_exclusion(
                by=request.user,
                exclusion=exclusion,
                start_date=data["start_date"],
                length_days=data.get("length_days"),
                reasons=form.reasons(),
                la_notified_date=data.get("la_notified_date"),
                notes=data.get("notes", ""),
            )
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Exclusion saved.")
            return redirect(reverse("pupils:detail", args=[pupil.pk]) + "#exclusions")
    context = {"form": form, "heading": f"Change {exclusion}", "pupil": pupil}
    return render(request, "pupils/pupil_form.html", context)


@access_rule(policies.can_import_pupils)
def pupil_import(request: SignedInRequest) -> HttpResponse:
    schools = selectors.schools_importable_by(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, schools=schools)
    problems: list[mis_import.RowError] = []
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data.get("school") or schools.get()
        upload = form.cleaned_data["file"]
        try:
            result = mis_import.import_pupils(
                by=request.user, school=school, content=upload.read(mis_import.MAX_BYTES + 1)
            )
        except mis_import.ImportFailed as error:
            problems = error.problems
            form.add_error("file", str(error))
        else:
            messages.success(
                request,
                f"Import finished: {result.created} added, {result.updated} updated, "
                f"{result.unchanged} unchanged; {result.carers_added} carers added, "
                f"{result.carers_updated} carers updated.",
            )
            return redirect("pupils:list")
    context = {
        "form": form,
        "problems": problems,
        "pupil_columns": mis_import.PUPIL_COLUMNS,
        "required": mis_import.REQUIRED,
        "carer_columns": mis_import.CARER_COLUMNS,
    }
    return render(request, "pupils/pupil_import.html", context)


@access_rule(policies.can_view_pupils)
def pupil_photo(request: SignedInRequest, pupil_id: int) -> FileResponse:
    pupil = selectors.get_pupil_for(request.user, pupil_id)
    if not pupil.photo_path:
        raise Http404("No photo.")
    log_access(
        by=request.user,
        action="pupil.photo_viewed",
        target=pupil,
        organisation=pupil.school,
        pupil_id=pupil.pk,
    )
    extension = pupil.photo_path.rsplit(".", 1)[-1]
    return uploads.file_response(
        pupil.photo_path, download_name=f"pupil-{pupil.pk}", extension=extension
    )


@access_rule(policies.can_edit_pupils)
def photo_edit(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "remove" in request.POST:
        services.remove_pupil_photo(by=request.user, pupil=pupil)
        messages.success(request, "Photo removed.")
        return redirect("pupils:detail", pupil_id=pupil.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_pupil_photo(
                by=request.user, pupil=pupil, upload=form.cleaned_data.get("photo")
            )
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "Photo saved.")
            return redirect("pupils:detail", pupil_id=pupil.pk)
    context = {"form": form, "heading": f"Photo of {pupil.display_name}", "pupil": pupil}
    return render(request, "pupils/photo_form.html", context)
