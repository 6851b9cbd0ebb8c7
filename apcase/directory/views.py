from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apcase.access import policies
from apcase.access.rules import access_rule

from . import selectors


@access_rule(policies.can_view_directory)
def provider_list(request: HttpRequest) -> HttpResponse:
    providers = selectors.providers_visible_to(request.user)
    return render(request, "directory/provider_list.html", {"providers": providers})
