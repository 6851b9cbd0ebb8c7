"""The provider's sites where the child is taught."""

from typing import Any

from django.db import transaction

from apcase.accounts.models import User
from apcase.core.errors import ValidationFailed

from ..audit import PlacementAction
from ..models import Placement
from .common import _locked_for_planning, _new_version, record_change


@transaction.atomic
def set_sites(placement: Placement, *, by: User, sites: list[Any]) -> Placement:
    """Every site where the child is taught, from the provider's directory entry. A
    change of sites is a change of the plan (a new version, agreed again)."""
    from ..workflow import check_sites

    placement = _locked_for_planning(placement, by)
    errors = check_sites(sites, placement.provider)
    if errors:
        raise ValidationFailed("Choose the sites.", errors)
    before = sorted(site.name for site in placement.sites.all())
    after = sorted(site.name for site in sites)
    if {s.pk for s in placement.sites.all()} == {s.pk for s in sites}:
        return placement
    placement.sites.set(sites)
    placement.site = ", ".join(after)[:200]
    _new_version(placement, ["site"])
    record_change(
        by,
        placement,
        PlacementAction.SITES_SET,
        f"Sites where the pupil is taught: {', '.join(after)} (plan version "
        f"{placement.plan_version})",
        {"sites": [before, after]},
    )
    return placement
