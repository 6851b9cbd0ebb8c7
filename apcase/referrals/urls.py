from django.urls import path

from apcase.core.spreadsheets import download_paths

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    *download_paths("export", views.referral_export, csv_name="export", xlsx_name="export_xlsx"),
    path("new/", views.start_referral, name="start"),
    path("awaiting-scheduling/", views.awaiting_scheduling, name="awaiting_scheduling"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/section/<slug:section>/", views.edit_section, name="section"),
    path("<int:referral_id>/interventions/", views.interventions, name="interventions"),
    path(
        "<int:referral_id>/interventions/<int:intervention_id>/remove/",
        views.remove_intervention,
        name="remove_intervention",
    ),
    path("<int:referral_id>/documents/", views.documents, name="documents"),
    path(
        "<int:referral_id>/documents/<int:document_id>/",
        views.download_document,
        name="document",
    ),
    path(
        "<int:referral_id>/documents/<int:document_id>/remove/",
        views.remove_document,
        name="remove_document",
    ),
    path("<int:referral_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:referral_id>/submit/", views.submit, name="submit"),
    path("<int:referral_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:referral_id>/close/", views.close, name="close"),
    path("emergency/new/", views.emergency_new, name="emergency_new"),
    path("emergency/<int:emergency_id>/", views.emergency_detail, name="emergency_detail"),
    path("emergency/<int:emergency_id>/end/", views.emergency_end, name="emergency_end"),
]
