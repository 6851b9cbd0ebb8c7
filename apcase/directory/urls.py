from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.provider_list, name="provider_list"),
    path("add/", views.provider_add, name="provider_add"),
    path("import-gias/", views.gias_import, name="gias_import"),
    path("assurance-lapsing/", views.lapsing_assurance, name="lapsing_assurance"),
    path("<int:provider_id>/", views.provider_detail, name="provider_detail"),
    path("<int:provider_id>/change/", views.provider_edit, name="provider_edit"),
    path("<int:provider_id>/sites/add/", views.site_add, name="site_add"),
    path(
        "<int:provider_id>/sites/<int:site_id>/no-longer-used/",
        views.site_deactivate,
        name="site_deactivate",
    ),
    path("<int:provider_id>/services/add/", views.service_add, name="service_add"),
    path(
        "<int:provider_id>/services/<int:service_id>/remove/",
        views.service_remove,
        name="service_remove",
    ),
    path("<int:provider_id>/inspections/add/", views.inspection_add, name="inspection_add"),
    path("<int:provider_id>/assurance/add/", views.assurance_add, name="assurance_add"),
    path(
        "<int:provider_id>/assurance/<int:record_id>/evidence/",
        views.assurance_evidence,
        name="assurance_evidence",
    ),
]
