from django.urls import path

from . import views

app_name = "panel"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/monthly/", views.series_new, name="series_new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/pack.pdf", views.panel_pack, name="pack"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/postpone/", views.meeting_postpone, name="meeting_postpone"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/interests/", views.declare_interest, name="declare_interest"),
    path(
        "meetings/<int:meeting_id>/referrals/<int:referral_id>/decision/",
        views.decide_referral,
        name="decide_referral",
    ),
    path(
        "meetings/<int:meeting_id>/emergencies/<int:emergency_id>/decision/",
        views.decide_emergency,
        name="decide_emergency",
    ),
    path("letters-not-sent/", views.letters_not_sent, name="letters_not_sent"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path(
        "decisions/<int:decision_id>/letters/parents/<int:carer_id>.pdf",
        views.parent_letter,
        name="parent_letter",
    ),
    path(
        "decisions/<int:decision_id>/letters/parents/<int:carer_id>/send/",
        views.send_letter,
        name="send_letter",
    ),
    path(
        "decisions/<int:decision_id>/letters/<slug:recipient>.pdf",
        views.decision_letter,
        name="letter",
    ),
]
