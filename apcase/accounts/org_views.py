"""Pages for managing organisations and their users. Organisation admins reach only
their own organisation (404 for any other); system admins reach every organisation
and alone add or edit organisations."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apcase.access import policies
from apcase.access.requests import SignedInRequest
from apcase.access.rules import access_rule
from apcase.core.errors import DomainError, NotPermitted, ValidationFailed
from apcase.core.forms import show_domain_error

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
        },
    )


@access_rule(policies.can_manage_users_somewhere)
def invite_user(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    form = InviteUserForm(
        request.POST if request.method == "POST" else None, organisation=organisation
    )
    if request.method == "POST" and form.is_valid():
        site_url = request.build_absolute_uri("/")
        try:
            services.invite_user(
                by=request.user, organisation=organisation, site_url=site_url, **form.cleaned_data
            )
        except NotPermitted as error:
            raise PermissionDenied(str(error)) from None
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            email = form.cleaned_data["email"]
            if policies.grant_needs_confirmation(form.cleaned_data["role"]):
                messages.success(
                    request,
                    f"The invitation for {email} is waiting for confirmation. It will be "
                    "sent once someone other than you who may confirm it has done so.",
                )
            else:
                messages.success(request, f"Invitation sent to {email}.")
            return redirect("organisations:detail", organisation.pk)
    context = {
        "form": form,
        "organisation": organisation,
        "invitation_hours": settings.APCASE_INVITATION_HOURS,
    }
    return render(request, "accounts/invite_user.html", context)


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
        try:
            services.confirm_invitation(
                by=request.user, invitation=invitation, site_url=request.build_absolute_uri("/")
            )
        except NotPermitted as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Confirmed. The invitation has been sent to {invitation.email}."
            )
        return redirect("organisations:list")
    return render(request, "accounts/confirm_invitation.html", {"invitation": invitation})


def _act(request: SignedInRequest, action: Callable[..., Any], success: str, **kwargs: Any) -> None:
    try:
        action(by=request.user, **kwargs)
    except NotPermitted as error:
        raise PermissionDenied(str(error)) from None
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)


@access_rule(policies.can_manage_users_somewhere)
@require_POST
def deactivate_member(
    request: SignedInRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    membership = selectors.get_membership_for(request.user, organisation, membership_id)
    done = f"{membership.user} is no longer {membership.get_role_display().lower()} here."
    _act(request, services.deactivate_membership, done, membership=membership)
    return redirect("organisations:detail", organisation.pk)


@access_rule(policies.can_manage_users_somewhere)
@require_POST
def reactivate_member(
    request: SignedInRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    membership = selectors.get_membership_for(request.user, organisation, membership_id)
    done = f"{membership.user} is {membership.get_role_display().lower()} here again."
    _act(request, services.reactivate_membership, done, membership=membership)
    return redirect("organisations:detail", organisation.pk)


@access_rule(policies.can_manage_users_somewhere)
@require_POST
def revoke_invitation(
    request: SignedInRequest, organisation_id: int, invitation_id: int
) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    invitation = selectors.get_pending_invitation_for(request.user, organisation, invitation_id)
    done = f"The invitation for {invitation.email} has been withdrawn."
    _act(request, services.revoke_invitation, done, invitation=invitation)
    return redirect("organisations:detail", organisation.pk)


@access_rule(policies.can_manage_organisations)
def create_organisation(request: SignedInRequest) -> HttpResponse:
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(
                by=request.user, kind=form.cleaned_data["kind"], **form.details()
            )
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            messages.success(request, f"{organisation.name} has been added.")
            return redirect("organisations:detail", organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form})


@access_rule(policies.can_manage_organisations)
def edit_organisation(request: SignedInRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.get_managed_organisation_for(request.user, organisation_id)
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                by=request.user, organisation=organisation, **form.details()
            )
        except ValidationFailed as error:
            show_domain_error(form, error)
        else:
            messages.success(request, "The organisation's details have been saved.")
            return redirect("organisations:detail", organisation.pk)
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )
