"""Reads of organisations and users, scoped to what the acting user may manage."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from apcase.access import policies
from apcase.accounts.roles import ORGANISATION_ADMIN_ROLES

from .models import Membership, Organisation


def organisations_managed_by(user: Any) -> QuerySet[Organisation]:
    """Organisations whose users `user` may manage: their own as an admin; all for a
    system admin."""
    if policies.is_system_admin(user):
        return Organisation.objects.all()
    ids = policies.organisation_ids_for(user, ORGANISATION_ADMIN_ROLES)
    return Organisation.objects.filter(pk__in=ids)


def get_managed_organisation_for(user: Any, organisation_id: int) -> Organisation:
    """The organisation, if `user` may manage its users; 404 for missing and forbidden."""
    organisation = organisations_managed_by(user).filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation.")
    return organisation


def memberships_in(organisation: Organisation) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation).select_related("user")
