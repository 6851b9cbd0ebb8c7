from django.urls import path

from . import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.concern_list, name="list"),
    path("raise/", views.choose_pupil, name="choose_pupil"),
    path("raise/<int:pupil_id>/", views.raise_concern, name="raise"),
    path("<int:concern_id>/", views.detail, name="detail"),
    path("<int:concern_id>/receipt/", views.receipt, name="receipt"),
    path("<int:concern_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:concern_id>/actions/add/", views.add_action, name="add_action"),
    path("<int:concern_id>/links/add/", views.link_record, name="link_record"),
    path("<int:concern_id>/addenda/add/", views.add_addendum, name="add_addendum"),
    path("<int:concern_id>/review/", views.set_review, name="review"),
    path("<int:concern_id>/escalate/", views.escalate, name="escalate"),
    path("<int:concern_id>/close/", views.close, name="close"),
    path("<int:concern_id>/views/", views.viewed_by, name="viewed_by"),
    path("transfers/", views.transfers_due, name="transfers_due"),
    path("pupils/<int:pupil_id>/transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_id>/sent/", views.transfer_sent, name="transfer_sent"),
    path(
        "transfers/<int:transfer_id>/received/", views.transfer_received, name="transfer_received"
    ),
    path("transfers/<int:transfer_id>/file.pdf", views.transfer_file, name="transfer_file"),
    path(
        "<int:concern_id>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
