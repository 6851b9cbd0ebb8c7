from django.db import models
from django.db.models import Q

from apcase.core.models import TimeStampedModel, user_fk
from apcase.reference import attendance as codes
from apcase.reference.attendance import Session

# "Morning", "Afternoon": get_session_display() builds the choices into a dict at each
# call, which a page listing a year of marks paid for every row.
SESSION_LABELS = dict(Session.choices)


class AttendanceMark(models.Model):
    """One register entry. Marks are never rewritten: a correction is a new row that
    supersedes the old one (kept, with is_current False), with the reason and who.

    The provider records what it observed (`observed`, codes.Observation); only the
    home school gives a statutory code to an absence (`code`, with `coded_by`), as a
    new row that supersedes the provider's. The code the school's MIS takes for the
    session is derived (`home_code`). A mark kept from before observations were
    recorded has no `observed`, only its `code`."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="marks"
    )
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    observed = models.CharField(
        "What the provider recorded",
        max_length=20,
        choices=codes.Observation.choices,
        blank=True,
    )
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    # The home school's statutory code for an absence: empty until the school codes it.
    code = models.CharField(
        max_length=2, choices=[(c.code, c.label) for c in codes.CODES], blank=True
    )
    coded_by = user_fk(optional=True)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reason = models.TextField(blank=True)  # why a mark is late or corrected
    is_late = models.BooleanField(default=False)  # entered after the register's cut-off
    recorded_by = user_fk()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "session", "recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "date", "session"],
                condition=Q(is_current=True),
                name="one_current_mark_per_session",
            )
        ]
        indexes = [
            models.Index(fields=["pupil", "date"]),
            models.Index(fields=["placement", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session}: {self.observed or self.code}"

    @property
    def home_code(self) -> str:
        """The code for the home school's MIS (reads the placement: select it too)."""
        placement = self.placement
        return codes.home_code(
            self.observed,
            self.code,
            dual_registered=placement.dual_registered,
            arranged_by_la=placement.arranged_by == placement.ArrangedBy.LA,
        )

    @property
    def meaning(self) -> str:
        return codes.get(self.home_code).meaning

    @property
    def session_label(self) -> str:
        """`get_session_display()`, looked up in labels made once."""
        return str(SESSION_LABELS.get(self.session, self.session))

    @property
    def observed_label(self) -> str:
        if not self.observed:
            return f"{self.code} (recorded as a code)"
        return codes.observation_label(self.observed, self.minutes_late)

    @property
    def is_absence(self) -> bool:
        return self.observed in codes.ABSENT

    @property
    def awaits_code(self) -> bool:
        """An absence the home school has still to code (shown as N meanwhile)."""
        return self.is_absence and not self.code and not self.placement.dual_registered


class MarkCount(models.Model):
    """How many current marks of a placement say the same (`observed`, `code`): the
    compliance board's attendance over a year of registers for a whole authority, read
    as a few rows a child instead of counting every mark on every request.

    Kept by the database, never by the application: triggers on AttendanceMark
    (migration 0005) add and take away in the same statement as every insert, update
    or delete of a mark, whichever code path writes it, so a count is never behind the
    marks it stands for (docs/adr/0015-attendance-counts-kept-by-the-database.md)."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="+"
    )
    observed = models.CharField(max_length=20, blank=True)
    code = models.CharField(max_length=2, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "observed", "code"], name="one_count_per_kind_of_mark"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement_id} {self.observed}/{self.code}: {self.n}"


class RegisterSubmission(models.Model):
    """A provider submitted its register for one session (the cut-off check reads it)."""

    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="register_submissions"
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    submitted_by = user_fk()
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "date", "session"], name="one_register_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.date} {self.session}"


class FollowUpTask(TimeStampedModel):
    """A same-day follow-up for the named staff member: an unexplained absence, a
    register not submitted by its cut-off, or a low or falling wellbeing check-in."""

    class Kind(models.TextChoices):
        ABSENCE = "absence", "Unexplained absence"
        REGISTER_MISSING = "register_missing", "Register not submitted"
        CHECK_IN = "check_in", "Wellbeing check-in"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="follow_ups"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices, blank=True)
    detail = models.TextField()
    assigned_to = user_fk(optional=True, related_name="follow_up_tasks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_by = user_fk(optional=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    who_was_contacted = models.TextField(blank=True)
    where_the_child_is = models.TextField(blank=True)
    action_taken = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            # The cut-off check runs every few minutes: one task per missed register.
            models.UniqueConstraint(
                fields=["placement", "kind", "date", "session"],
                condition=Q(kind="register_missing") | Q(kind="absence"),
                name="one_follow_up_per_session",
            )
        ]
        indexes = [
            # Home pages list the open follow-ups of a person, the board those of its
            # placements: only open ones are read that way, and they are few among years
            # of closed ones.
            models.Index(
                fields=["assigned_to", "date"],
                condition=Q(status="open"),
                name="open_follow_ups_by_assignee",
            ),
            # The compliance board reads the open attendance alerts (not check-ins) of a
            # thousand placements at once: this index holds exactly those, so the
            # board's read is answered by it, never by the index of a person's tasks.
            models.Index(
                fields=["placement", "date"],
                condition=Q(status="open", kind__in=["absence", "register_missing"]),
                name="open_follow_ups_by_placement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class CheckIn(TimeStampedModel):
    """The provider's weekly engagement, wellbeing and behaviour check-in (1 to 5)."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="check_ins"
    )
    week_starting = models.DateField()
    engagement = models.PositiveSmallIntegerField()
    wellbeing = models.PositiveSmallIntegerField()
    behaviour = models.PositiveSmallIntegerField()
    comments = models.TextField(blank=True)
    child_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    child_words = models.TextField(blank=True)
    recorded_by = user_fk()

    class Meta:
        ordering = ["week_starting"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "week_starting"], name="one_check_in_per_week"
            ),
            models.CheckConstraint(
                condition=Q(engagement__gte=1, engagement__lte=5)
                & Q(wellbeing__gte=1, wellbeing__lte=5)
                & Q(behaviour__gte=1, behaviour__lte=5)
                & (Q(child_rating__isnull=True) | Q(child_rating__gte=1, child_rating__lte=5)),
                name="check_in_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in week of {self.week_starting}"


class Visit(TimeStampedModel):
    """The named staff member's visit to the provider: scheduled, then logged."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="visits"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_for = models.DateField()
    visited_on = models.DateField(null=True, blank=True)
    visitors = models.CharField("Who visited", max_length=300, blank=True)
    child_seen = models.BooleanField(null=True)
    learning_observations = models.TextField(blank=True)
    environment_observations = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    registers_checked = models.BooleanField(null=True)
    supervision_suitable = models.BooleanField(null=True)
    safeguarding_notes = models.TextField(blank=True)
    actions = models.TextField(
        blank=True, help_text="One action a line, with its owner: 'Action – owner'."
    )
    scheduled_by = user_fk()
    logged_by = user_fk(optional=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]

    def __str__(self) -> str:
        return f"Visit on {self.visited_on or self.scheduled_for}"
