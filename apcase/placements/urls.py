from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("plans-to-agree/", views.plans_to_agree, name="plans_to_agree"),
    path(
        "provider-plans-to-agree/",
        views.provider_plans_to_agree,
        name="provider_plans_to_agree",
    ),
    path("missing-or-overdue/", views.missing_or_overdue, name="missing_or_overdue"),
    path("<int:placement_id>/", views.detail, name="detail"),
    path("<int:placement_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("<int:placement_id>/plan/", views.edit_plan, name="edit_plan"),
    path("<int:placement_id>/timetable/", views.edit_timetable, name="timetable"),
    path("<int:placement_id>/objectives/new/", views.add_objective, name="add_objective"),
    path("<int:placement_id>/agreements/new/", views.record_agreement, name="record_agreement"),
    path(
        "<int:placement_id>/agreements/provider/",
        views.provider_agreement,
        name="provider_agreement",
    ),
    path(
        "<int:placement_id>/agreements/<int:agreement_id>/signed-form/",
        views.signed_form,
        name="signed_form",
    ),
    path("<int:placement_id>/start/", views.start, name="start"),
    path("<int:placement_id>/commissioning/", views.commissioning, name="commissioning"),
    path("<int:placement_id>/sites/", views.sites, name="sites"),
    path("<int:placement_id>/end/", views.end, name="end"),
    path("<int:placement_id>/extend/", views.extend, name="extend"),
]
