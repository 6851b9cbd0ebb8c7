"""A reintegration plan: the child's way back to the home school full time, in phases
of weeks, each with the half-days at school and at the provider (apcase.reintegration.rules
says when a phase is part time and what a part-time timetable needs)."""

from django.db import models
from django.db.models import Q

from apcase.core.models import TimeStampedModel, user_fk


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Agreed and under way"
    COMPLETED = "completed", "Completed: back full time"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AgreedHow(models.TextChoices):
    MEETING = "meeting", "In a meeting"
    PHONE = "phone", "By phone"
    EMAIL = "email", "By email"
    LETTER = "letter", "By signed letter"


class ReintegrationPlan(TimeStampedModel):
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="reintegration_plans"
    )
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # The adult at the home school who supports the child's return.
    named_adult = user_fk(related_name="reintegrations_named")
    start_date = models.DateField()
    target_full_time_date = models.DateField("Target date to be back full time")
    support_strategies = models.TextField(blank=True)
    success_measures = models.TextField("What will show it is working", blank=True)
    # The part-time timetable (while any phase is part time): a parent or carer the
    # child lives with agrees, with agreed times and dates, an end date and a review.
    agreed_by = models.ForeignKey(
        "pupils.Carer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_on = models.DateField(null=True, blank=True)
    agreed_how = models.CharField(max_length=10, choices=AgreedHow.choices, blank=True)
    agreed_times = models.TextField("Agreed times and dates", blank=True)
    part_time_ends_on = models.DateField("Part-time timetable end date", null=True, blank=True)
    la_notified_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_by = user_fk()
    # The review whose decision was to start reintegration, when the plan came from one.
    started_by_review = models.ForeignKey(
        "reviews.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reintegration_plans",
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_full_time_date__gt=models.F("start_date")),
                name="reintegration_target_after_start",
            ),
            # One plan under way (draft or agreed) per placement at a time.
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(status__in=["draft", "active"]),
                name="one_open_reintegration_plan_per_placement",
            ),
        ]

    def __str__(self) -> str:
        return f"Reintegration plan from {self.start_date:%-d %B %Y}"


class Phase(models.Model):
    """Weeks `from_week` to `to_week` of the plan (week 1 starts on the plan's start
    date), and the half-days at school and at the provider each week, as "0-am" …
    "4-pm" (weekday 0 is Monday)."""

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="phases")
    from_week = models.PositiveSmallIntegerField()
    to_week = models.PositiveSmallIntegerField()
    at_school = models.JSONField(default=list)
    at_provider = models.JSONField(default=list)

    class Meta:
        ordering = ["from_week", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_week__gte=1) & Q(to_week__gte=models.F("from_week")),
                name="reintegration_phase_weeks_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"Weeks {self.from_week} to {self.to_week}"


class ReviewPoint(models.Model):
    """A date when progress against the plan is reviewed, and what was found."""

    class Progress(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        BEHIND = "behind", "Behind"

    plan = models.ForeignKey(
        ReintegrationPlan, on_delete=models.CASCADE, related_name="review_points"
    )
    date = models.DateField()
    progress = models.CharField(max_length=10, choices=Progress.choices, blank=True)
    note = models.TextField(blank=True)
    recorded_by = user_fk(optional=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"Review on {self.date:%-d %B %Y}"
