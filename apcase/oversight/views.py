from django.http import HttpResponse
from django.shortcuts import render

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule

from . import board as compliance
from .forms import BoardFilterForm
from .selectors import board_facts


@access_rule(policies.can_view_compliance_board)
def board(request: SignedInRequest) -> HttpResponse:
    """Every child in AP the user answers for, each duty green, amber or red."""
    facts = board_facts(request.user)
    everything = compliance.build(request.user, facts)
    form = BoardFilterForm(
        request.GET or None,
        schools=everything.schools,
        providers=everything.providers,
        staff=everything.staff,
    )
    filters = form.filters() if request.GET else compliance.Filters()
    shown = compliance.filtered(everything, filters)
    return render(
        request,
        "oversight/board.html",
        {
            "board": shown,
            "form": form,
            "filtered": filters != compliance.Filters(),
            "concerns_heading": "Safeguarding concerns" if facts.concerns is not None else "",
        },
    )
