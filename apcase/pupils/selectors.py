"""Every read of pupil data goes through these functions.

Scope: school roles see pupils on their own school's roll. (LA panel roles will see
pupils referred to their panel, and providers pupils placed with them, once referrals
and placements exist.)"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from apcase.access import policies

from .models import Pupil


def pupils_visible_to(user: Any) -> QuerySet[Pupil]:
    school_ids = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    return Pupil.objects.filter(school_id__in=school_ids).select_related("school")


def get_pupil_for(user: Any, pupil_id: int) -> Pupil:
    """The pupil if `user` may see them; 404 for missing and forbidden alike."""
    pupil = pupils_visible_to(user).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such pupil.")
    return pupil
