"""Reads for the census return, scoped to the schools whose census the user keeps."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import log_access
from apcase.placements.models import Placement
from apcase.placements.selectors import (
    get_placement_for,
    not_started_by,
    placements_visible_to,
)

from .dates import Census


def census_placements_for(user: User, census: Census) -> QuerySet[Placement]:
    """The placements of the pupils of the user's schools that ran at some time in the
    collection period (started on or before its end, not ended before its start), pupil
    by pupil. A placement that never started is not alternative provision yet."""
    school_ids = policies.organisation_ids_for(user, policies.CENSUS_ROLES)
    return (
        placements_visible_to(user)
        .filter(pupil__school_id__in=school_ids, start_date__lte=census.period_end)
        .exclude(status=Placement.Status.PLANNED)
        .exclude(end_destination=Placement.Destination.NOT_STARTED)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=census.period_start))
        .select_related(
            "pupil",
            "pupil__school",
            "pupil__census_roll_leaving",
            "provider",
            "provider__provider_profile",
            "census_reason",
        )
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "start_date")
    )


def census_placements_not_started(
    user: User, census: Census, *, today: datetime.date
) -> QuerySet[Placement]:
    """Placements of the user's schools still planned though their start date, in the
    collection period, has passed: nobody recorded that they started, or that they did
    not. Whether each belongs in the return cannot be told, so the return says so."""
    school_ids = policies.organisation_ids_for(user, policies.CENSUS_ROLES)
    return (
        not_started_by(placements_visible_to(user), min(census.period_end, today))
        .filter(pupil__school_id__in=school_ids)
        .select_related("pupil", "provider")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id", "start_date")
    )


def census_placements_to_export(user: User, census: Census) -> QuerySet[Placement]:
    """`census_placements_for` for the return's download; the export is logged."""
    log_access(
        by=user,
        action="census.return_exported",
        target=("census.return", census.label),
    )
    return census_placements_for(user, census)


def get_placement_for_census(user: User, placement_id: int) -> Placement:
    """A placement whose census details the user may record; 404 otherwise."""
    placement = get_placement_for(user, placement_id)
    if not policies.can_prepare_census_for(user, placement.pupil.school):
        raise Http404("No such placement.")
    return placement
