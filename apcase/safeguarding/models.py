"""Safeguarding concerns about a pupil, raised by staff of the home school or of the
pupil's current provider, and handled by the home school's designated safeguarding lead.

Rules:
- A concern's account (when, what was seen or said, category, body location, immediate
  action, others involved) is written once, at submission, and never changed: a
  correction or an update is an addendum with its author and time. Nothing is deleted.
  `Concern.save` refuses to change the account once the row exists.
- Its handling (acknowledged, actions taken, review date, escalation, closing) is the
  DSL's, through `apcase.safeguarding.workflow` and `services`, each an audit event.
- Who may see a concern is decided in one place, `selectors.concerns_visible_to`.
"""

from django.db import models

from apcase.core.models import TimeStampedModel, user_fk
from apcase.core.uploads import StoredFilePath


class ConcernCategory(models.Model):
    """The configurable list of categories (seeded by migration 0002; an administrator
    may add, rename or retire one in the database without a code change)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["rank", "label"]
        verbose_name_plural = "concern categories"

    def __str__(self) -> str:
        return self.label


class ConcernStatus(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


# The fields of the reporter's account: fixed once the concern is submitted.
ACCOUNT_FIELDS = (
    "pupil_id",
    "school_id",
    "raised_at_provider_id",
    "placement_id",
    "reported_by_id",
    "reporter_organisation_id",
    "occurred_at",
    "recorded_at",
    "category_id",
    "account",
    "body_location",
    "immediate_action",
    "others_involved",
)


class Concern(TimeStampedModel):
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="concerns")
    # The pupil's school when the concern was raised: its DSLs handle the concern.
    school = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="concerns_held"
    )
    # Set when the reporter raised it as a member of the pupil's provider.
    raised_at_provider = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns_raised",
    )
    placement = models.ForeignKey(
        "placements.Placement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns",
    )
    reported_by = user_fk(related_name="concerns_reported")
    reporter_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField("Date and time of the incident or disclosure")
    recorded_at = models.DateTimeField()
    category = models.ForeignKey(ConcernCategory, on_delete=models.PROTECT, related_name="+")
    account = models.TextField("What was seen or disclosed")
    body_location = models.CharField(max_length=300, blank=True)
    immediate_action = models.TextField(blank=True)
    others_involved = models.TextField(blank=True)

    status = models.CharField(
        max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.NEW
    )
    acknowledged_by = user_fk(optional=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    escalated_by = user_fk(optional=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_by = user_fk(optional=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["pupil", "recorded_at"]),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values(*ACCOUNT_FIELDS).first()
            if stored is not None and any(
                stored[name] != getattr(self, name) for name in ACCOUNT_FIELDS
            ):
                raise ValueError("A concern's account is never changed: add an addendum.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None


class ConcernAddendum(models.Model):
    """A correction or update, appended; the original account stays as written."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    written_by = user_fk()
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Addendum to concern {self.concern_id}"


class ActionKind(models.TextChoices):
    SPOKE_TO_CHILD = "spoke_to_child", "Spoke to the child"
    INFORMED_PARENTS = "informed_parents", "Informed parents or carers"
    PARENTS_NOT_INFORMED = "parents_not_informed", "Did not inform parents or carers (say why)"
    CHILDRENS_SOCIAL_CARE = (
        "childrens_social_care",
        "Consulted or referred to children's social care / MASH",
    )
    POLICE = "police", "Contacted the police"
    LADO = "lado", "Referred to the LADO (allegation against staff)"
    EARLY_HELP = "early_help", "Early help"
    MONITOR = "monitor", "Agreed to monitor"
    OTHER = "other", "Other action"


class ConcernAction(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=30, choices=ActionKind.choices)
    taken_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = user_fk()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["taken_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ConcernLink(models.Model):
    """The DSL's link from a concern to a record it bears on (a referral or placement of
    the same pupil, offered by `pupils.registry.records_of`). Kept like the rest of the
    concern: added, never edited or removed. `label` is what the record was when linked,
    so the concern still says what it points to if the record is later out of the
    reader's sight."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(max_length=20)
    record_id = models.PositiveIntegerField()
    label = models.CharField(max_length=300)
    href = models.CharField(max_length=300)
    linked_by = user_fk()
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "kind", "record_id"], name="concern_link_once"
            )
        ]

    def __str__(self) -> str:
        return self.label


class ConcernAttachment(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="attachments")
    stored_path = StoredFilePath(max_length=300)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=8)
    uploaded_by = user_fk()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ChildProtectionTransfer(models.Model):
    """A pupil's child protection file, sent to their new school or setting when they
    leave: due within 5 school days of leaving, sent separately and securely, receipt
    confirmed (Keeping children safe in education, Annex C). apcase produces the file
    (a PDF of the concerns and the full chronology) and records when it was sent and
    when the receiver confirmed it."""

    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="child_protection_transfers"
    )
    school = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    destination = models.CharField("Where the child has gone", max_length=200)
    left_on = models.DateField("Date the child left")
    due_by = models.DateField()
    started_by = user_fk()
    started_at = models.DateTimeField()
    sent_on = models.DateField(null=True, blank=True)
    sent_how = models.CharField(max_length=200, blank=True)
    sent_by = user_fk(optional=True)
    receipt_confirmed_on = models.DateField(null=True, blank=True)
    receipt_confirmed_by_name = models.CharField(max_length=200, blank=True)
    receipt_recorded_by = user_fk(optional=True)

    class Meta:
        ordering = ["-left_on", "-pk"]

    def __str__(self) -> str:
        return f"Child protection file transfer {self.pk}"
