"""The demo's census details (invented): every Heronsgate placement that has started has
its primary reason for placement, except the most recent, so the census return page
shows a record it would reject and the link to put it right. Idempotent: nothing is
added once any reason is recorded."""

from apcase.accounts.models import Organisation, User
from apcase.placements.models import Placement
from apcase.reference.census import APPlacementReason

from . import services
from .models import PlacementReason

# Reasons given in turn to the demo placements, oldest first.
DEMO_REASONS = [
    APPlacementReason.BEHAVIOUR,
    APPlacementReason.SUSPENSION,
    APPlacementReason.HEALTH,
    APPlacementReason.PERMANENT_EXCLUSION,
]


def seed(organisations: dict[str, Organisation]) -> None:
    school = organisations.get("school")
    lead = User.objects.filter(email="inclusion.lead@heronsgate.example").first()
    if school is None or lead is None:
        return
    placements = list(
        Placement.objects.filter(pupil__school=school)
        .exclude(status=Placement.Status.PLANNED)
        .order_by("start_date", "pk")
    )
    if not placements or PlacementReason.objects.filter(placement__in=placements).exists():
        return
    for index, placement in enumerate(placements[:-1]):
        services.record_census_details(
            placement, by=lead, reason=DEMO_REASONS[index % len(DEMO_REASONS)], left_roll_on=None
        )
