from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.accounts.two_factor import requires_recent_second_factor
from apcase.core.pagination import paginate
from apcase.core.spreadsheets import CSV, Sheet, download

from . import board as compliance
from . import charts, outcomes
from .forms import BoardFilterForm
from .selectors import (
    Facts,
    board_facts,
    board_facts_to_export,
    outcome_scope,
    outcome_scope_to_export,
)


def _shown(
    request: SignedInRequest, facts: Facts
) -> tuple[compliance.Board, BoardFilterForm, compliance.Filters]:
    """The board as the page shows it: every row the user answers for, narrowed by the
    filters in the query string (none when a choice is not one offered)."""
    everything = compliance.build(request.user, facts)
    form = BoardFilterForm(
        request.GET or None,
        schools=everything.schools,
        providers=everything.providers,
        staff=everything.staff,
    )
    filters = form.filters() if request.GET else compliance.Filters()
    return compliance.filtered(everything, filters), form, filters


@access_rule(policies.can_view_compliance_board)
def board(request: SignedInRequest) -> HttpResponse:
    """Every child in AP the user answers for, each duty green, amber or red."""
    facts = board_facts(request.user)
    shown, form, filters = _shown(request, facts)
    # A page of rows (most red first): at one authority's scale the whole board was
    # over a thousand rows and megabytes of HTML. The counts above it, and the
    # downloads, still cover every row the filters keep; only the page's rows are read
    # whole for their words and links.
    paged = paginate(request, shown.rows, noun="placement")
    rows = compliance.shown(request.user, facts, paged.rows)
    return render(
        request,
        "oversight/board.html",
        {
            "board": shown,
            "paged": paged,
            "rows_html": compliance.rows_html(rows),
            "form": form,
            "filtered": filters != compliance.Filters(),
            "query_string": request.GET.urlencode(),
            "concerns_heading": "Safeguarding concerns" if facts.concerns is not None else "",
        },
    )


@access_rule(policies.can_view_compliance_board)
@requires_recent_second_factor
def board_export(request: SignedInRequest, fmt: str) -> HttpResponseBase:
    """The rows the board shows, with the same filters and in its order, as CSV or
    XLSX: many children's records in one file, so the code is asked for again and the
    export is logged."""
    facts = board_facts_to_export(request.user)
    shown, _form, _filters = _shown(request, facts)
    header, rows = compliance.as_sheet(
        shown, compliance.shown(request.user, facts, shown.rows, linked=False)
    )
    return download(fmt, Sheet(f"compliance-board-{timezone.localdate():%Y-%m-%d}", header, rows))


@access_rule(policies.can_view_outcome_dashboard)
def outcomes_page(request: SignedInRequest) -> HttpResponse:
    """The outcome dashboard: the school's own pupils, or the LA's area, by who reads."""
    scope = outcome_scope(request.user)
    today = timezone.localdate()
    figures = outcomes.every_figure(scope, today)
    return render(
        request,
        "oversight/outcomes.html",
        {
            "figures": [(f, charts.chart_of(f)) for f in figures],
            "for_la": bool(scope.las),
            "for_school": bool(scope.schools),
            "months": outcomes.MONTHS,
            "not_started": outcomes.not_started(scope, today),
        },
    )


@access_rule(policies.can_view_outcome_dashboard)
@requires_recent_second_factor
def outcomes_export(request: SignedInRequest, figure: str) -> HttpResponseBase:
    """One figure's table as CSV: counts over many children, so the code is asked for
    again and the export is logged, as for the other bulk downloads."""
    if figure not in outcomes.FIGURES:
        raise Http404("No such figure.")
    found = outcomes.figure(
        outcome_scope_to_export(request.user, figure), figure, timezone.localdate()
    )
    if found is None:
        raise Http404("No such figure.")
    name = f"{found.slug}-{timezone.localdate():%Y-%m-%d}"
    return download(CSV, Sheet(name, found.header, found.rows))
