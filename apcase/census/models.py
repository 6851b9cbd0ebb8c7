"""What the school census return needs that no other record holds: the primary reason a
placement was commissioned, and the date a pupil left the school's roll."""

from django.db import models

from apcase.core.models import TimeStampedModel
from apcase.reference.census import APPlacementReason


class PlacementReason(TimeStampedModel):
    """The census item "primary reason for placement" of one placement."""

    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.CASCADE, related_name="census_reason"
    )
    reason = models.CharField(
        "Primary reason for placement", max_length=3, choices=APPlacementReason.choices
    )

    def __str__(self) -> str:
        return f"{self.placement}: {self.get_reason_display()}"


class RollLeaving(TimeStampedModel):
    """The day a pupil left the school's roll (none while they are on it)."""

    pupil = models.OneToOneField(
        "pupils.Pupil", on_delete=models.CASCADE, related_name="census_roll_leaving"
    )
    left_on = models.DateField("Date the pupil left the school's roll")

    def __str__(self) -> str:
        return f"{self.pupil} left the roll on {self.left_on}"
