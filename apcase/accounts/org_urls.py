from django.urls import path

from . import org_views

app_name = "organisations"

urlpatterns = [
    path("", org_views.organisation_list, name="list"),
    path("new/", org_views.create_organisation, name="create"),
    path("<int:organisation_id>/", org_views.organisation_detail, name="detail"),
    path("<int:organisation_id>/edit/", org_views.edit_organisation, name="edit"),
    path("<int:organisation_id>/invite/", org_views.invite_user, name="invite"),
    path(
        "<int:organisation_id>/members/<int:membership_id>/deactivate/",
        org_views.deactivate_member,
        name="deactivate_member",
    ),
    path(
        "<int:organisation_id>/members/<int:membership_id>/reactivate/",
        org_views.reactivate_member,
        name="reactivate_member",
    ),
    path(
        "<int:organisation_id>/invitations/<int:invitation_id>/confirm/",
        org_views.confirm_invitation,
        name="confirm_invitation",
    ),
    path(
        "<int:organisation_id>/invitations/<int:invitation_id>/withdraw/",
        org_views.revoke_invitation,
        name="revoke_invitation",
    ),
]
