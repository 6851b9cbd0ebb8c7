"""Pages for managing organisations and their users. Organisation admins reach only
their own organisation (404 for any other); system admins reach every organisation
and alone add or edit organisations."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.core.viewhelpers import handle_form, posted, run_action

from . import selectors, services
from .forms import InviteUserForm, OrganisationForm


@access_rule(policies.can_manage_users_somewhere)
def organisation_list(request: SignedInRequest) -> HttpResponse:
    organisations = selectors.organisations_managed_by(request.user).select_related(
        "local_authority"
    )
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "organisations": organisations,
            "can_add": policies.can_manage_organisations(request.user),
            "to_confirm": selectors.invitations_to_confirm_for(request.user),
        },
    )


@access_rule(policies.can_manage_users_somewhere)
def organisation_detail(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": selectors.member_rows_for(request.user, organisation),
            "invitations": selectors.pending_invitations_in(organisation),
            "confirmable_ids": {i.pk for i in selectors.invitations_to_confirm_for(request.user)},
            "role_changes": selectors.role_changes_in(organisation),
            "can_edit": policies.can_manage_organisations(request.user),
            "can_manage_api_keys": policies.can_manage_api_keys(request.user, organisation),
        },
    )


@access_rule(policies.can_manage_users_somewhere)
def invite_user(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    form = InviteUserForm(posted(request), organisation=organisation)

    def invited(_invitation: object) -> str:
        email = form.cleaned_data["email"]
        if policies.grant_needs_confirmation(form.cleaned_data["role"]):
            return (
                f"The invitation for {email} is waiting for confirmation. It will be "
                "sent once someone other than you who may confirm it has done so."
            )
        return f"Invitation sent to {email}."

    return handle_form(
        request,
        form,
        lambda: services.invite_user(
            by=request.user,
            organisation=organisation,
            **form.cleaned_data,
        ),
        success_message=invited,
        redirect_to=_detail_url(organisation.pk),
        template="accounts/invite_user.html",
        context={
            "organisation": organisation,
            "invitation_hours": settings.APCASE_INVITATION_HOURS,
        },
    )


def _detail_url(organisation_id: int) -> str:
    return reverse("organisations:detail", args=[organisation_id])


@access_rule(policies.can_confirm_role_grants_somewhere)
def confirm_invitation(
    request: SignedInRequest, organisation_id: int, invitation_id: int
) -> HttpResponse:
    """The headteacher's (or provider manager's) confirmation of a safeguarding-role
    invitation someone else made."""
    invitation = selectors.get_invitation_to_confirm_for(
        request.user, organisation_id, invitation_id
    )
    if request.method == "POST":
        return run_action(
            request,
            lambda: services.confirm_invitation(by=request.user, invitation=invitation),
            success_message=f"Confirmed. The invitation has been sent to {invitation.email}.",
            redirect_to="organisations:list",
        )
    return render(request, "accounts/confirm_invitation.html", {"invitation": invitation})


def _membership_action(
    change: Callable[..., object], done: str
) -> Callable[[SignedInRequest, int, int], HttpResponse]:
    """A button on a member's row: `change` (a service) the membership, then back to the
    organisation saying `done` (formatted with the person and their role)."""

    @access_rule(policies.can_manage_users_somewhere)
    @require_POST
    def view(request: SignedInRequest, organisation_id: int, membership_id: int) -> HttpResponse:
        organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
        membership = selectors.get_membership_for(request.user, organisation, membership_id)
        role = membership.get_role_display().lower()
        return run_action(
            request,
            lambda: change(by=request.user, membership=membership),
            success_message=done.format(person=membership.user, role=role),
            redirect_to=_detail_url(organisation.pk),
        )

    return view


deactivate_member = _membership_action(
    services.deactivate_membership, "{person} is no longer {role} here."
)
reactivate_member = _membership_action(
    services.reactivate_membership, "{person} is {role} here again."
)


@access_rule(policies.can_manage_users_somewhere)
@require_POST
def revoke_invitation(
    request: SignedInRequest, organisation_id: int, invitation_id: int
) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    invitation = selectors.get_pending_invitation_for(request.user, organisation, invitation_id)
    done = f"The invitation for {invitation.email} has been withdrawn."
    return run_action(
        request,
        lambda: services.revoke_invitation(by=request.user, invitation=invitation),
        success_message=done,
        redirect_to=_detail_url(organisation.pk),
    )


@access_rule(policies.can_manage_organisations)
def create_organisation(request: SignedInRequest) -> HttpResponse:
    form = OrganisationForm(posted(request))
    return handle_form(
        request,
        form,
        lambda: services.create_organisation(
            by=request.user, kind=form.cleaned_data["kind"], **form.details()
        ),
        success_message=lambda organisation: f"{organisation.name} has been added.",
        redirect_to=lambda organisation: _detail_url(organisation.pk),
        template="accounts/organisation_form.html",
    )


@access_rule(policies.can_manage_organisations)
def edit_organisation(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    form = OrganisationForm(posted(request), instance=organisation)
    return handle_form(
        request,
        form,
        lambda: services.update_organisation(
            by=request.user, organisation=organisation, **form.details()
        ),
        success_message="The organisation's details have been saved.",
        redirect_to=_detail_url(organisation.pk),
        template="accounts/organisation_form.html",
        context={"organisation": organisation},
    )
