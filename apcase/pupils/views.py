from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.two_factor import requires_recent_second_factor
from apcase.chronology.selectors import event_kinds, pupil_chronology
from apcase.core import idempotency, uploads
from apcase.core.links import record_url
from apcase.core.pagination import paginate, without_page
from apcase.core.pdf import pdf_download, printed
from apcase.core.spreadsheets import Sheet, download
from apcase.core.templatetags.govuk import govuk_link, govuk_table_rows, govuk_tag
from apcase.core.templatetags.words import govuk_date
from apcase.core.viewhelpers import Once, handle_form, run_action
from apcase.core.words import counted
from apcase.reference.census import (
    MAX_SUSPENSION_DAYS_PER_YEAR,
    PROVISION_FROM_SCHOOL_DAY,
    ExclusionKind,
    NCYear,
    SENStatus,
)
from apcase.schooldays.calculator import school_year_label, school_year_of

from . import mis_import, registry, selectors, services
from .forms import (
    CarerForm,
    ChronologyFilterForm,
    ExclusionForm,
    ImportForm,
    PhotoForm,
    PupilFilterForm,
    PupilForm,
    carer_initial,
    unfiltered_chronology_form,
)
from .models import Pupil, display_name_of, is_temporary_upn


def _filters(request: SignedInRequest) -> tuple[PupilFilterForm, dict[str, Any]]:
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
    return form, filters


@access_rule(policies.can_view_pupils)
def pupil_list(request: SignedInRequest) -> HttpResponse:
    form, filters = _filters(request)
    pupils = selectors.search_pupils(request.user, **filters).values(*_LIST_COLUMNS)
    # One query: the page's columns as values, the count read with them, so the scope
    # (for an LA, its panels' referrals) is applied once, not for a COUNT, the page's
    # keys and its rows in turn.
    paged = paginate(request, pupils, noun="pupil", count_in_page=True)
    context = {
        "filter_form": form,
        "paged": paged,
        "rows_html": _rows_html(_list_rows(paged.rows)),
        "can_create": policies.can_edit_pupils(request.user),
        "can_import": policies.can_import_pupils(request.user),
        "query_string": without_page(request),
    }
    return render(request, "pupils/pupil_list.html", context)


# What the list shows of each pupil: read as values, no model built for a row.
_LIST_COLUMNS = (
    "pk",
    "upn",
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "preferred_last_name",
    "date_of_birth",
    "nc_year",
    "sen_status",
    "school__name",
)


def _list_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row as the table prints it."""
    years, sen = dict(NCYear.choices), dict(SENStatus.choices)
    return [
        {
            "pk": row["pk"],
            "name": display_name_of(
                row["legal_first_name"],
                row["legal_last_name"],
                row["preferred_name"],
                row["preferred_last_name"],
            ),
            "upn": row["upn"],
            "temporary_upn": is_temporary_upn(row["upn"]),
            "born": row["date_of_birth"],
            "year": years.get(row["nc_year"], row["nc_year"]),
            "sen": sen.get(row["sen_status"], row["sen_status"]),
            "school": row["school__name"],
        }
        for row in rows
    ]


def _rows_html(rows: Sequence[dict[str, Any]]) -> str:
    """The table's rows (`_list_rows`) as markup."""
    temporary = govuk_tag("Temporary", "yellow")
    return govuk_table_rows(
        (
            govuk_link(record_url("pupils:detail", row["pk"]), row["name"]),
            format_html("{} {}", row["upn"], temporary) if row["temporary_upn"] else row["upn"],
            govuk_date(row["born"]),
            row["year"],
            row["sen"],
            row["school"],
        )
        for row in rows
    )


@access_rule(policies.can_view_pupils)
@requires_recent_second_factor
def pupil_export(request: SignedInRequest, fmt: str) -> HttpResponseBase:
    """The list as it is filtered on the page, every pupil it matches, as CSV or XLSX:
    a bulk export, so the code is asked for again and the export is logged."""
    _, filters = _filters(request)
    pupils = selectors.pupils_to_export(request.user, **filters)
    years, sen = dict(NCYear.choices), dict(SENStatus.choices)
    rows = (
        (upn, last, first, preferred, born, years.get(year, year), sen.get(need, need), school)
        # Only the columns written, as tuples, read in chunks as the CSV streams out.
        for upn, last, first, preferred, born, year, need, school, _ in pupils.values_list(
            "upn",
            "legal_last_name",
            "legal_first_name",
            "preferred_name",
            "date_of_birth",
            "nc_year",
            "sen_status",
            "school__name",
            "pk",  # in the order (and so in DISTINCT) already: one row per pupil
        ).iterator(chunk_size=2000)
    )
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
    return download(fmt, Sheet(f"pupils-{timezone.localdate():%Y-%m-%d}", header, rows))


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
    return handle_form(
        request,
        form,
        lambda: services.create_pupil(
            by=request.user,
            school=form.cleaned_data.get("school") or schools.get(),
            values=form.pupil_values(),
        ),
        success_message=lambda pupil: f"{pupil.display_name} added.",
        redirect_to=lambda pupil: _detail_url(pupil),
        template="pupils/pupil_form.html",
        context={"heading": "Add a pupil"},
    )


def _detail_url(pupil: Pupil, section: str = "") -> str:
    return reverse("pupils:detail", args=[pupil.pk]) + (f"#{section}" if section else "")


@access_rule(policies.can_view_pupils)
def pupil_detail(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil, view = selectors.read_pupil_for(request.user, pupil_id)
    if view != selectors.SCHOOL:
        summary = selectors.placement_view_of(pupil)
        return render(
            request,
            "pupils/pupil_placement_view.html",
            {"pupil": summary, "links": registry.links_for(pupil, request.user)},
        )
    pupil = selectors.pupil_for_school_view(pupil)
    context = {
        "pupil": pupil,
        "carers": list(pupil.carers.all()),
        "history": selectors.exclusion_history(pupil),
        "can_edit": policies.can_edit_pupil_at(request.user, pupil.school),
        "can_see_cp": policies.can_see_child_protection(request.user, pupil.school),
        "can_read_chronology": selectors.may_read_chronology(request.user, pupil),
        "sections": registry.sections_for(pupil, request.user),
        # The school's duty begins on this school day of a run of suspensions.
        "provision_day": PROVISION_FROM_SCHOOL_DAY,
        "days_short_of_duty": PROVISION_FROM_SCHOOL_DAY - 1,
    }
    return render(request, "pupils/pupil_detail.html", context)


def _chronology(request: SignedInRequest, pupil: Pupil) -> dict[str, Any]:
    """The entries the user may see (child-protection events for the DSL only), by the
    page's filter; what they are is decided in chronology.selectors."""
    can_see_cp = policies.can_see_child_protection(request.user, pupil.school)
    kinds = event_kinds()
    if not can_see_cp:
        kinds.pop("safeguarding", None)
    form = ChronologyFilterForm(request.GET or None, kinds=kinds)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = pupil_chronology(
        pupil.pk,
        include_child_protection=can_see_cp,
        kind=filters.get("kind") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return {
        "pupil": pupil,
        "entries": entries,
        "can_see_cp": can_see_cp,
        "form": form,
        "unfiltered_form": None
        if form.is_bound
        else unfiltered_chronology_form(tuple(kinds.items())),
        "query": request.GET.urlencode(),
        **printed(request.user),
    }


@access_rule(policies.can_read_chronologies)
def pupil_chronology_view(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.read_chronology_of(request.user, pupil_id)
    return render(request, "pupils/pupil_chronology.html", _chronology(request, pupil))


@access_rule(policies.can_read_chronologies)
def pupil_chronology_pdf(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    """The chronology as the user sees it (with the page's filter), as a PDF; the print
    is access-logged as its own read."""
    pupil = selectors.read_chronology_of(request.user, pupil_id, purpose="printed")
    return pdf_download(
        "pupils/pupil_chronology_pdf.html",
        _chronology(request, pupil),
        filename=f"chronology-{pupil.pk}.pdf",
    )


def _pupil_form_page(
    request: SignedInRequest,
    pupil: Pupil,
    form: Any,
    save: Callable[[], Any],
    *,
    done: str,
    heading: str,
    section: str = "",
) -> HttpResponse:
    """A form about `pupil` (its details, a carer, an exclusion): on a valid post call
    `save` (a service), then go back to the pupil's page at `section` saying `done`."""
    return handle_form(
        request,
        form,
        save,
        success_message=done,
        redirect_to=_detail_url(pupil, section),
        template="pupils/pupil_form.html",
        context={"heading": heading, "pupil": pupil},
    )


def _pupil_initial(pupil: Pupil) -> dict[str, Any]:
    names = [n for n in PupilForm.base_fields if n not in ("school",)]
    initial = {n: getattr(pupil, n) for n in names if hasattr(pupil, n)}
    return initial


@access_rule(policies.can_edit_pupils)
def pupil_edit(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    if request.method == "GET":
        pupil = selectors.read_pupil_to_edit(request.user, pupil_id)
    else:
        pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    show_cp = policies.can_see_child_protection(request.user, pupil.school)
    form = PupilForm(
        request.POST or None,
        initial=_pupil_initial(pupil),
        show_child_protection=show_cp,
        submit_label="Save changes",
    )
    return _pupil_form_page(
        request,
        pupil,
        form,
        lambda: services.update_pupil(
            by=request.user,
            pupil=pupil,
            version=form.cleaned_data.get("version") or 0,
            values=form.pupil_values(),
        ),
        done="Pupil details saved.",
        heading=f"Change {pupil.display_name}’s details",
    )


@access_rule(policies.can_edit_pupils)
def carer_add(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    form = CarerForm(request.POST or None, submit_label="Add carer")
    return _pupil_form_page(
        request,
        pupil,
        form,
        lambda: services.add_carer(by=request.user, pupil=pupil, values=form.cleaned_data),
        done="Carer added.",
        heading=f"Add a carer for {pupil.display_name}",
        section="carers",
    )


@access_rule(policies.can_edit_pupils)
def carer_edit(request: SignedInRequest, pupil_id: int, carer_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    carer = selectors.get_carer_for(request.user, pupil, carer_id)
    form = CarerForm(request.POST or None, initial=carer_initial(carer), submit_label="Save carer")
    return _pupil_form_page(
        request,
        pupil,
        form,
        lambda: services.update_carer(by=request.user, carer=carer, values=form.cleaned_data),
        done="Carer saved.",
        heading=f"Change {carer.name}’s details",
        section="carers",
    )


@access_rule(policies.can_edit_pupils)
def carer_remove(request: SignedInRequest, pupil_id: int, carer_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    carer = selectors.get_carer_for(request.user, pupil, carer_id)
    if request.method == "POST":
        return run_action(
            request,
            lambda: services.remove_carer(by=request.user, carer=carer),
            success_message=f"{carer.name} removed.",
            redirect_to=_detail_url(pupil, "carers"),
        )
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
    return handle_form(
        request,
        form,
        lambda: services.record_exclusion(
            by=request.user,
            pupil=pupil,
            kind=form.cleaned_data["kind"],
            details=form.details(),
        ),
        success_message="Exclusion recorded.",
        redirect_to=_detail_url(pupil, "exclusions"),
        template="pupils/pupil_form.html",
        context={
            "heading": f"Record a suspension or exclusion for {pupil.display_name}",
            "pupil": pupil,
            "year_label": school_year_label(school_year_of(timezone.localdate())),
        },
        once=Once("pupils.exclusion", "This exclusion was already recorded."),
    )


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
    return _pupil_form_page(
        request,
        pupil,
        form,
        lambda: services.update_exclusion(
            by=request.user,
            exclusion=exclusion,
            details=form.details(),
        ),
        done="Exclusion saved.",
        heading=f"Change {exclusion}",
        section="exclusions",
    )


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
                f"{result.unchanged} unchanged; {counted(result.carers_added, 'carer')} added, "
                f"{counted(result.carers_updated, 'carer')} updated.",
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
    pupil = selectors.read_photo_of(request.user, pupil_id)
    extension = pupil.photo_path.rsplit(".", 1)[-1]
    return uploads.file_response(
        pupil.photo_path, download_name=f"pupil-{pupil.pk}", extension=extension
    )


@access_rule(policies.can_edit_pupils)
def photo_edit(request: SignedInRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_to_edit(request.user, pupil_id)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and "remove" in request.POST:
        return run_action(
            request,
            lambda: services.remove_pupil_photo(by=request.user, pupil=pupil),
            success_message="Photo removed.",
            redirect_to=_detail_url(pupil),
        )
    return handle_form(
        request,
        form,
        lambda: services.set_pupil_photo(
            by=request.user, pupil=pupil, upload=form.cleaned_data.get("photo")
        ),
        success_message="Photo saved.",
        redirect_to=_detail_url(pupil),
        template="pupils/photo_form.html",
        context={"heading": f"Photo of {pupil.display_name}", "pupil": pupil},
    )
