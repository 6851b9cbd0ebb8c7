from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import PUBLIC, SIGNED_IN, access_rule
from apcase.core import attention


@access_rule(SIGNED_IN)
def home(request: SignedInRequest) -> HttpResponse:
    memberships = policies.active_memberships(request.user)
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "attention": attention.items_for(request.user),
            "can_manage_users": policies.can_manage_users_somewhere(request.user),
        },
    )


@access_rule(PUBLIC)
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@access_rule(PUBLIC)
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def bad_request(request: SignedInRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: SignedInRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: SignedInRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: SignedInRequest) -> HttpResponse:
    # No context processors that touch the database: the failure may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
