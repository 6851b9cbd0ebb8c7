"""Placement reviews: the review meeting with the child, family and provider, its
decision, the provider's report before it, and a parent's written request for one.

Nothing here is a status: when the next review is due and whether a parent's request
must still be met are worked out from the records (apcase.reviews.schedule), so no
hook can be missed."""

from django.db import models
from django.db.models import Q

from apcase.core.models import TimeStampedModel, user_fk
from apcase.core.words import percent
from apcase.placements.models import Placement


class Progress(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    SOME_PROGRESS = "some_progress", "Some progress"
    NOT_YET = "not_yet", "Not yet"


class Decision(models.TextChoices):
    CONTINUE = "continue", "Continue the placement"
    EXTEND = "extend", "Extend the placement (new end date)"
    REINTEGRATE = "reintegrate", "Start reintegration to the home school"
    SPECIALIST = (
        "specialist",
        "Request an EHC needs assessment or a move to specialist provision",
    )
    END = "end", "End the placement"


class Review(TimeStampedModel):
    """A review meeting that was held, with what was said, the figures for the period
    since the previous review (or the start) as they stood when it was held, and the
    decision."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="reviews"
    )
    held_on = models.DateField("Date of the review")
    # Who attended.
    child_attended = models.BooleanField(default=False)
    carers_attended = models.ManyToManyField("pupils.Carer", blank=True, related_name="+")
    # Their names as they were, kept should a carer's record later be removed.
    carers_attended_names = models.TextField(blank=True)
    provider_attended = models.BooleanField(default=False)
    named_staff_member_attended = models.BooleanField(default=False)
    others_attended = models.TextField("Others who attended", blank=True)
    views_sent_by = models.TextField("Who sent views without attending", blank=True)
    child_views = models.TextField("The child's views")
    parent_views = models.TextField("The parents' or carers' views")
    discussion = models.TextField("What was discussed and agreed", blank=True)
    # The period the figures cover, and the figures (monitoring's own functions).
    period_start = models.DateField()
    period_end = models.DateField()
    sessions_possible = models.PositiveIntegerField(default=0)
    sessions_present = models.PositiveIntegerField(default=0)
    persistent_absence = models.BooleanField(default=False)
    severe_absence = models.BooleanField(default=False)
    check_ins = models.PositiveIntegerField(default=0)
    engagement_trend = models.CharField(max_length=200, blank=True)
    wellbeing_trend = models.CharField(max_length=200, blank=True)
    attendance_alerts = models.PositiveIntegerField(default=0)
    visits_held = models.PositiveIntegerField(default=0)
    # The decision.
    decision = models.CharField(max_length=12, choices=Decision.choices)
    decision_reason = models.TextField("Reason for the decision", blank=True)
    new_end_date = models.DateField(null=True, blank=True)
    # Where the child goes, when the review ends the placement (placements' list).
    destination = models.CharField(max_length=24, blank=True)
    destination_other = models.CharField(max_length=200, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    held_by = user_fk()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            # A placement's latest review, which the schedule goes by: the home pages'
            # overdue reviews look it up for each open placement (selectors._due_before)
            # and read its first entry here rather than sorting the placement's reviews.
            models.Index(
                fields=["placement", "-held_on", "-id"], name="reviews_latest_by_placement"
            ),
        ]
        constraints = [
            # The next review date is required unless the placement ends.
            models.CheckConstraint(
                condition=Q(decision="end") | Q(next_review_date__isnull=False),
                name="review_next_date_unless_ending",
            ),
            models.CheckConstraint(
                condition=Q(next_review_date__isnull=True)
                | Q(next_review_date__gt=models.F("held_on")),
                name="review_next_date_after_held",
            ),
        ]

    def __str__(self) -> str:
        return f"Review on {self.held_on}"

    @property
    def destination_label(self) -> str:
        if not self.destination:
            return ""
        label = Placement.Destination(self.destination).label
        return f"{label}: {self.destination_other}" if self.destination_other else str(label)

    @property
    def attendance_percent(self) -> str:
        return percent(self.sessions_present, self.sessions_possible)


class ObjectiveFinding(models.Model):
    """Progress against one of the placement's objectives, with its evidence."""

    # The objective may later be removed from the plan: its words are kept.
    objective = models.ForeignKey(
        "placements.PlacementObjective", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    objective_text = models.TextField("Objective")
    progress = models.CharField(max_length=16, choices=Progress.choices)
    evidence = models.TextField()

    class Meta:
        abstract = True
        ordering = ["objective_id"]

    def __str__(self) -> str:
        return f"{self.objective_text[:80]}: {self.get_progress_display()}"


class ObjectiveProgress(ObjectiveFinding):
    """Progress against one of the placement's objectives, as the review found it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="progress")

    class Meta(ObjectiveFinding.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["review", "objective"], name="one_progress_per_objective"
            )
        ]


class ProviderReport(TimeStampedModel):
    """The provider's report for the next review: written through its own pages."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="provider_reports"
    )
    attendance = models.TextField("Attendance the provider recorded")
    behaviour = models.TextField("Behaviour")
    child_said = models.TextField("What the child said")
    written_by = user_fk()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Provider report of {self.created_at:%Y-%m-%d}"


class ProviderObjectiveProgress(ObjectiveFinding):
    report = models.ForeignKey(ProviderReport, on_delete=models.CASCADE, related_name="progress")

    class Meta(ObjectiveFinding.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["report", "objective"], name="one_provider_progress_per_objective"
            )
        ]


class ReviewRequest(TimeStampedModel):
    """A parent's or carer's written request for a review meeting."""

    class How(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        FORM = "form", "Written form handed in"
        OTHER = "other", "Other writing"

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="review_requests"
    )
    received_on = models.DateField("Date the request was received")
    carer = models.ForeignKey(
        "pupils.Carer", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_name = models.CharField("From", max_length=200)
    how = models.CharField(max_length=10, choices=How.choices)
    recorded_by = user_fk()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Review requested on {self.received_on}"
