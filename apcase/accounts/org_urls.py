from django.urls import path

from . import org_views

app_name = "organisations"

urlpatterns = [
    path("", org_views.organisation_list, name="list"),
]
