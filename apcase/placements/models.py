from django.conf import settings
from django.db import models
from django.db.models import Q

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind
from apcase.core.models import TimeStampedModel


class Placement(TimeStampedModel):
    """A pupil's place at an AP provider. This issue creates placements from the panel's
    approved decisions (planned) and from the emergency route (active at once); the
    placement issue adds objectives, timetable and monitoring."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class ArrangedBy(models.TextChoices):
        SCHOOL = "school", "School"
        LA = "la", "Local authority"

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="placements",
        limit_choices_to={"kind": OrganisationKind.PROVIDER},
    )
    site = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField()
    planned_end_date = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    sessions_per_week = models.PositiveSmallIntegerField()
    first_review_date = models.DateField(null=True, blank=True)
    arranged_by = models.CharField(max_length=8, choices=ArrangedBy.choices)
    is_emergency = models.BooleanField(default=False)
    named_staff_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements_named_for",
    )
    created_from_decision = models.OneToOneField(
        "panel.PanelDecision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placement",
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            # A child is taught in one arranged placement at a time.
            models.UniqueConstraint(
                fields=["pupil"],
                condition=~Q(status="ended"),
                name="one_open_placement_per_pupil",
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_week__gte=1) & Q(sessions_per_week__lte=10),
                name="placement_sessions_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True)
                | Q(planned_end_date__gte=models.F("start_date")),
                name="placement_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} at {self.provider} ({self.get_status_display()})"
