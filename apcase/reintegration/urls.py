from django.urls import path

from . import views

app_name = "reintegration"

urlpatterns = [
    path("", views.work_list, name="list"),
    path("placements/<int:placement_id>/new/", views.create, name="create"),
    path("<int:plan_id>/", views.detail, name="detail"),
    path("<int:plan_id>/edit/", views.edit, name="edit"),
    path("<int:plan_id>/phases/new/", views.add_phase, name="add_phase"),
    path("<int:plan_id>/phases/<int:phase_id>/remove/", views.remove_phase, name="remove_phase"),
    path("<int:plan_id>/agreement/", views.agreement, name="agreement"),
    path("<int:plan_id>/reviews/new/", views.add_review_point, name="add_review_point"),
    path("<int:plan_id>/reviews/<int:point_id>/", views.progress, name="progress"),
    path("<int:plan_id>/agree/", views.activate, name="activate"),
    path("<int:plan_id>/complete/", views.complete, name="complete"),
    path("<int:plan_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:plan_id>/la-notice.pdf", views.la_letter, name="la_letter"),
]
