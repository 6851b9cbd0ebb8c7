from collections.abc import Iterable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.two_factor import requires_recent_second_factor
from apcase.core.spreadsheets import Sheet, download, safe_cell
from apcase.core.viewhelpers import handle_form
from apcase.placements.models import Placement

from . import returns, selectors, services
from .dates import Census, next_census
from .forms import CensusForm, PlacementCensusForm, census_initial


def _census(request: SignedInRequest) -> tuple[CensusForm, Census | None]:
    """The census asked for in the query string, or the next one when none is."""
    default = next_census(timezone.localdate())
    if not request.GET:
        return CensusForm(initial=census_initial(default)), default
    form = CensusForm(request.GET)
    return form, form.census() if form.is_valid() else None


def _problems(
    request: SignedInRequest, census: Census, placements: list[Placement]
) -> list[returns.Problem]:
    """What the census would reject, and the placements still planned after their start
    date (whether they belong in the return cannot be told)."""
    unstarted = selectors.census_placements_not_started(
        request.user, census, today=timezone.localdate()
    )
    return returns.problems_of(placements, census) + [returns.not_started(p) for p in unstarted]


def _by_pupil(problems: Iterable[returns.Problem]) -> list[tuple[Placement, list[returns.Problem]]]:
    grouped: dict[int, tuple[Placement, list[returns.Problem]]] = {}
    for problem in problems:
        grouped.setdefault(problem.placement.pk, (problem.placement, []))[1].append(problem)
    return list(grouped.values())


@access_rule(policies.can_prepare_census)
def census_return(request: SignedInRequest) -> HttpResponse:
    """The school's AP placement records for a census, checked before they are sent."""
    form, census = _census(request)
    context: dict[str, object] = {"form": form, "census": census}
    if census is not None:
        placements = list(selectors.census_placements_for(request.user, census))
        problems = _problems(request, census, placements)
        context |= {
            "columns": returns.COLUMNS,
            "rows": [[safe_cell(c) for c in returns.row_of(p, census)] for p in placements],
            "problems": _by_pupil(problems),
            "problem_count": len(problems),
            "query_string": urlencode(
                {
                    "term": census.term,
                    **_date_parts("census_day", census.census_day),
                    **_date_parts("period_start", census.period_start),
                    **_date_parts("period_end", census.period_end),
                }
            ),
        }
    return render(request, "census/return.html", context)


def _date_parts(name: str, day: object) -> dict[str, object]:
    return {
        f"{name}_0": getattr(day, "day", ""),
        f"{name}_1": getattr(day, "month", ""),
        f"{name}_2": getattr(day, "year", ""),
    }


@access_rule(policies.can_prepare_census)
@requires_recent_second_factor
def census_export(request: SignedInRequest, fmt: str) -> HttpResponseBase:
    """The return as CSV, only once every record passes the census's checks: every
    pupil's record in one file, so the code is asked for again and the export logged."""
    form, census = _census(request)
    back = f"{reverse('census:return')}?{request.GET.urlencode()}"
    if census is None:
        messages.error(request, "Choose the census and its dates first.")
        return redirect(back)
    placements = list(selectors.census_placements_for(request.user, census))
    if _problems(request, census, placements):
        messages.error(request, "Put right the problems listed before you download the return.")
        return redirect(back)
    chosen = selectors.census_placements_to_export(request.user, census)
    rows = [returns.row_of(p, census) for p in chosen]
    name = f"census-ap-placements-{census.term}-{census.census_day:%Y-%m-%d}"
    return download(fmt, Sheet(name, returns.COLUMNS, rows))


@access_rule(policies.can_prepare_census)
def placement_census(request: SignedInRequest, placement_id: int) -> HttpResponse:
    """The placement's primary reason and the day its pupil left the roll."""
    placement = selectors.get_placement_for_census(request.user, placement_id)
    initial = {
        "reason": returns.reason_of(placement),
        "left_roll_on": returns.left_roll_on(placement),
    }
    form = PlacementCensusForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form,
        lambda: services.record_census_details(placement, by=request.user, **form.cleaned_data),
        success_message=f"Census details saved for {placement.pupil.display_name}.",
        redirect_to="census:return",
        template="census/placement.html",
        context={"placement": placement},
    )
