from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apcase.access import policies
from apcase.access.rules import access_rule

from . import selectors


@access_rule(policies.can_manage_users_somewhere)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = selectors.organisations_managed_by(request.user).select_related(
        "local_authority"
    )
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})
