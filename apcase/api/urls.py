from django.urls import path

from . import views

app_name = "api"

# The API itself (documented by the schema); the keys pages and the docs are pages.
endpoints = [
    path("v1/register/", views.Register.as_view(), name="register"),
    path(
        "v1/placements/<int:placement_id>/check-ins/",
        views.CheckIns.as_view(),
        name="check_ins",
    ),
    path("v1/placements/", views.Placements.as_view(), name="placements"),
    path(
        "v1/placements/<int:placement_id>/attendance/",
        views.PlacementAttendance.as_view(),
        name="placement_attendance",
    ),
    path("v1/pupils/", views.Pupils.as_view(), name="pupils"),
    path("v1/figures/", views.Figures.as_view(), name="figures"),
]

urlpatterns = [
    *endpoints,
    path("schema", views.schema, name="schema"),
    path("docs", views.docs, name="docs"),
    path("keys/<int:organisation_id>/", views.keys, name="keys"),
    path("keys/<int:organisation_id>/new/", views.create_key, name="create_key"),
    path(
        "keys/<int:organisation_id>/<int:key_id>/revoke/",
        views.revoke_key,
        name="revoke_key",
    ),
    # Last: every other URL under /api/ answers as the API does (404 problem+json).
    path("<path:rest>", views.NoSuchEndpoint.as_view(), name="no_such_endpoint"),
]
