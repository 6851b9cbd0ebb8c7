"""Reads of the provider directory. Providers are not pupil data: anyone who can use
the directory sees every open provider."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind


def providers_visible_to(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.PROVIDER)


def get_provider_for(user: Any, provider_id: int) -> Organisation:
    provider = providers_visible_to(user).filter(pk=provider_id).first()
    if provider is None:
        raise Http404("No such provider.")
    return provider
