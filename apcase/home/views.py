from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import PUBLIC, SIGNED_IN, access_rule
from apcase.core import attention

from . import records


@access_rule(SIGNED_IN)
def home(request: SignedInRequest) -> HttpResponse:
    memberships = policies.active_memberships(request.user)
    return render(
        request,
        "home/home.html",
        {
            "memberships": memberships,
            "attention": attention.items_for(request.user),
            "can_manage_users": policies.can_manage_users_somewhere(request.user),
        },
    )


@access_rule(PUBLIC)
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "home/accessibility.html")


@access_rule(PUBLIC)
def privacy_notice(request: HttpRequest) -> HttpResponse:
    # The notice states the retention period the review (records.due_for_review) applies.
    return render(
        request, "home/privacy.html", {"child_record_years": records.child_record_years()}
    )
