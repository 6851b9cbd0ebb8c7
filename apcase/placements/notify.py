"""The local authority knows of every placement a school commissions without the panel
(an off-site direction, alternative provision the school arranges itself, an emergency
placement): its officers are told when the school arranges it, and when they were told
is kept on the placement (`la_notified_at`), shown on the LA's compliance board. A
placement the panel approved or the LA arranged needs no notice: the LA decided it."""

import datetime

from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.notifications import messages

from .models import Placement


def needs_notice(placement: Placement) -> bool:
    return (
        placement.arranged_by == Placement.ArrangedBy.SCHOOL
        and placement.created_from_decision_id is None
    )


def tell_la(placement: Placement) -> datetime.datetime | None:
    """Tell the officers of the pupil's LA of a placement the school commissioned without
    the panel, and record when, in the caller's transaction; that time, or None when the
    LA has no officer to tell (the placement then shows "LA not told" on the board)."""
    officers = holders(getattr(placement.pupil.school, "local_authority", None), [Role.LA_OFFICER])
    if not officers:
        return None
    messages.send(
        "placements/messages/school_commissioned.txt",
        to=officers,
        child=placement.pupil,
        link=reverse("placements:detail", args=[placement.pk]),
        school=placement.pupil.school,
        provider=placement.provider,
        power=placement.get_commissioning_power_display(),
        start=placement.start_date,
    )
    return record_la_told(placement)


def record_la_told(placement: Placement) -> datetime.datetime:
    """Record that the LA's officers were told now (by a message sent in this
    transaction: here, or the emergency route's own notice)."""
    now = timezone.now()
    Placement.objects.filter(pk=placement.pk).update(la_notified_at=now)
    placement.la_notified_at = now
    return now
