from django.urls import path

from apcase.core.spreadsheets import download_paths

from . import views

app_name = "reviews"

urlpatterns = [
    path("due/", views.due, name="due"),
    path("reports-due/", views.reports_due, name="reports_due"),
    path("placement/<int:placement_id>/", views.placement_reviews, name="placement"),
    *download_paths(
        "placement/<int:placement_id>/reviews",
        views.placement_reviews_export,
        csv_name="placement_export",
        xlsx_name="placement_export_xlsx",
    ),
    path("placement/<int:placement_id>/hold/", views.hold, name="hold"),
    path("placement/<int:placement_id>/requests/new/", views.record_request, name="request"),
    path(
        "placement/<int:placement_id>/provider-report/",
        views.provider_report,
        name="provider_report",
    ),
    path("<int:review_id>/", views.detail, name="detail"),
    path("<int:review_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
]
