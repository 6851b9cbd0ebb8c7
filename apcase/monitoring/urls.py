from django.urls import path

from apcase.core.spreadsheets import download_paths

from . import views

app_name = "monitoring"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("follow-ups/", views.task_list, name="tasks"),
    path("in-ap-today/", views.in_ap_today, name="in_ap_today"),
    path("follow-ups/closed/", views.closed_tasks, name="closed_tasks"),
    path("follow-ups/<int:task_id>/close/", views.close_task, name="close_task"),
    path("absences/", views.absences_to_code, name="absences"),
    path("absences/<int:mark_id>/code/", views.code_absence, name="code_absence"),
    path("placements/<int:placement_id>/", views.placement, name="placement"),
    *download_paths(
        "absences/export",
        views.absences_export,
        csv_name="absences_export",
        xlsx_name="absences_export_xlsx",
    ),
    *download_paths(
        "placements/<int:placement_id>/attendance",
        views.attendance_export,
        csv_name="attendance_csv",
        xlsx_name="attendance_xlsx",
    ),
    path("check-ins/", views.check_ins_due, name="check_ins_due"),
    path("placements/<int:placement_id>/check-in/", views.check_in, name="check_in"),
    path("placements/<int:placement_id>/visits/new/", views.schedule_visit, name="schedule_visit"),
    path("visits/overdue/", views.overdue_visits, name="overdue_visits"),
    path("visits/<int:visit_id>/log/", views.log_visit, name="log_visit"),
]
