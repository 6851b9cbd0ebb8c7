from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apcase.access import policies
from apcase.access.rules import access_rule

from . import selectors


@access_rule(policies.can_view_pupils)
def pupil_list(request: HttpRequest) -> HttpResponse:
    pupils = selectors.pupils_visible_to(request.user)
    return render(request, "pupils/pupil_list.html", {"pupils": pupils})


@access_rule(policies.can_view_pupils)
def pupil_detail(request: HttpRequest, pupil_id: int) -> HttpResponse:
    pupil = selectors.get_pupil_for(request.user, pupil_id)
    return render(request, "pupils/pupil_detail.html", {"pupil": pupil})
