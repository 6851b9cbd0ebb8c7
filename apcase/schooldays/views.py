from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.core.forms import ConfirmForm
from apcase.core.viewhelpers import handle_form, posted

from . import attention, selectors, services
from .calculator import terms_per_school_year, years_to_watch
from .forms import ClosureDayForm, TermForm


def _years(local_authority_id: int | None) -> list[selectors.YearOfTerms]:
    return selectors.term_years(local_authority_id, years_to_watch(attention.today()))


@access_rule(policies.can_manage_terms)
def term_list(request: SignedInRequest) -> HttpResponse:
    authorities = list(selectors.local_authorities_kept_by(request.user))
    context = {
        "authorities": authorities,
        "years": [(la, _years(la.pk)) for la in authorities],
        "terms_needed": terms_per_school_year(),
        "terms": selectors.terms_kept_by(request.user),
        "closures": selectors.la_closures_kept_by(request.user),
    }
    return render(request, "schooldays/term_list.html", context)


@access_rule(policies.can_manage_terms)
def term_add(request: SignedInRequest) -> HttpResponse:
    authorities = selectors.local_authorities_kept_by(request.user)
    form = TermForm(request.POST or None, authorities=authorities, submit_label="Add term")
    return handle_form(
        request,
        form,
        lambda: services.add_term(
            by=request.user,
            local_authority=form.cleaned_data.get("local_authority") or authorities.get(),
            name=form.cleaned_data["name"],
            start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"],
        ),
        success_message=lambda term: f"{term.name} added.",
        redirect_to="schooldays:terms",
        template="schooldays/term_form.html",
        context={"heading": "Add a term"},
    )


@access_rule(policies.can_manage_terms)
def term_edit(request: SignedInRequest, term_id: int) -> HttpResponse:
    term = selectors.get_term_for(request.user, term_id)
    initial = {"name": term.name, "start_date": term.start_date, "end_date": term.end_date}
    form = TermForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form,
        lambda: services.update_term(by=request.user, term=term, **form.cleaned_data),
        success_message=lambda _saved: f"{term.name} saved.",
        redirect_to="schooldays:terms",
        template="schooldays/term_form.html",
        context={"heading": f"Change {term.name}"},
    )


@access_rule(policies.can_manage_terms)
def term_remove(request: SignedInRequest, term_id: int) -> HttpResponse:
    term = selectors.get_term_for(request.user, term_id)
    return _confirm_remove(
        request,
        term,
        lambda: services.remove_term(by=request.user, term=term),
        submit="Remove term",
        done=f"{term.name} removed.",
        heading=f"Remove {term.name}?",
        back="schooldays:terms",
    )


def _confirm_remove(
    request: SignedInRequest,
    thing: Any,
    remove: Callable[[], object],
    *,
    submit: str,
    done: str,
    heading: str,
    back: str,
) -> HttpResponse:
    """The page that asks before `thing` (a term, a closure day) is removed, and on
    confirming removes it and goes `back`."""
    form = ConfirmForm(posted(request), submit_label=submit, warning=True)
    return handle_form(
        request,
        form,
        remove,
        success_message=done,
        redirect_to=back,
        template="schooldays/confirm_remove.html",
        context={"heading": heading, "thing": thing},
    )


def _add_closure(
    request: SignedInRequest,
    *,
    owners: Any,
    owner_label: str,
    owner_kind: str,
    back: str,
    heading: str,
) -> HttpResponse:
    """Add a closure day for one of `owners` (schools, or local authorities); the owner
    is asked for only when the user keeps more than one."""
    form = ClosureDayForm(request.POST or None, owners=owners, owner_label=owner_label)
    return handle_form(
        request,
        form,
        lambda: services.add_closure_day(
            by=request.user,
            day=form.cleaned_data["day"],
            reason=form.cleaned_data["reason"],
            **{owner_kind: form.cleaned_data.get("owner") or owners.get()},
        ),
        success_message="Closure day added.",
        redirect_to=back,
        template="schooldays/term_form.html",
        context={"heading": heading},
    )


def _remove_closure(request: SignedInRequest, closure: Any, *, back: str) -> HttpResponse:
    return _confirm_remove(
        request,
        closure,
        lambda: services.remove_closure_day(by=request.user, closure=closure),
        submit="Remove closure day",
        done="Closure day removed.",
        heading="Remove this closure day?",
        back=back,
    )


@access_rule(policies.can_manage_terms)
def la_closure_add(request: SignedInRequest) -> HttpResponse:
    return _add_closure(
        request,
        owners=selectors.local_authorities_kept_by(request.user),
        owner_label="Local authority",
        owner_kind="local_authority",
        back="schooldays:terms",
        heading="Add a closure day for every school in the area",
    )


@access_rule(policies.can_manage_terms)
def la_closure_remove(request: SignedInRequest, closure_id: int) -> HttpResponse:
    closure = selectors.get_la_closure_for(request.user, closure_id)
    return _remove_closure(request, closure, back="schooldays:terms")


@access_rule(policies.can_manage_closure_days)
def closure_list(request: SignedInRequest) -> HttpResponse:
    schools = list(selectors.schools_with_closures_kept_by(request.user))
    calendars = [
        {
            "school": school,
            "terms": selectors.terms_for_school(school),
            "years": _years(school.local_authority_id),
            "closures": selectors.closures_affecting(school),
        }
        for school in schools
    ]
    return render(request, "schooldays/closure_list.html", {"calendars": calendars})


@access_rule(policies.can_manage_closure_days)
def closure_add(request: SignedInRequest) -> HttpResponse:
    return _add_closure(
        request,
        owners=selectors.schools_with_closures_kept_by(request.user),
        owner_label="School",
        owner_kind="school",
        back="schooldays:closures",
        heading="Add a closure day",
    )


@access_rule(policies.can_manage_closure_days)
def closure_remove(request: SignedInRequest, closure_id: int) -> HttpResponse:
    closure = selectors.get_school_closure_for(request.user, closure_id)
    return _remove_closure(request, closure, back="schooldays:closures")
