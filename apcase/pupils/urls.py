from django.urls import path

from apcase.core.spreadsheets import download_paths

from . import views

app_name = "pupils"

urlpatterns = [
    path("", views.pupil_list, name="list"),
    *download_paths("export", views.pupil_export, csv_name="export", xlsx_name="export_xlsx"),
    path("add/", views.pupil_create, name="create"),
    path("import/", views.pupil_import, name="import"),
    path("<int:pupil_id>/", views.pupil_detail, name="detail"),
    path("<int:pupil_id>/change/", views.pupil_edit, name="edit"),
    path("<int:pupil_id>/chronology/", views.pupil_chronology_view, name="chronology"),
    path("<int:pupil_id>/chronology.pdf", views.pupil_chronology_pdf, name="chronology_pdf"),
    path("<int:pupil_id>/photo/", views.pupil_photo, name="photo"),
    path("<int:pupil_id>/photo/change/", views.photo_edit, name="photo_edit"),
    path("<int:pupil_id>/carers/add/", views.carer_add, name="carer_add"),
    path("<int:pupil_id>/carers/<int:carer_id>/change/", views.carer_edit, name="carer_edit"),
    path("<int:pupil_id>/carers/<int:carer_id>/remove/", views.carer_remove, name="carer_remove"),
    path("<int:pupil_id>/exclusions/add/", views.exclusion_add, name="exclusion_add"),
    path(
        "<int:pupil_id>/exclusions/<int:exclusion_id>/change/",
        views.exclusion_edit,
        name="exclusion_edit",
    ),
]
