from django.urls import path

from apcase.core.spreadsheets import CSV

from . import views

app_name = "census"

urlpatterns = [
    path("", views.census_return, name="return"),
    path("return.csv", views.census_export, {"fmt": CSV}, name="export"),
    path("placements/<int:placement_id>/", views.placement_census, name="placement"),
]
