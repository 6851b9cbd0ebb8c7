import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apcase.accounts.fields import organisation_fk
from apcase.accounts.roles import OrganisationKind
from apcase.core.models import TimeStampedModel, user_fk
from apcase.placements.models import Placement


def cutoff_days() -> int:
    return int(getattr(settings, "APCASE_PANEL_CUTOFF_DAYS", 7))


def quorum() -> int:
    return int(getattr(settings, "APCASE_PANEL_QUORUM", 3))


class InclusionPanel(TimeStampedModel):
    """A local authority's inclusion panel (e.g. Milton Keynes Primary Inclusion Panel),
    to which its schools refer pupils for alternative provision."""

    local_authority = organisation_fk(OrganisationKind.LOCAL_AUTHORITY, related_name="panels")
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=40, blank=True, help_text="For example, Primary.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="panel_name_per_la")
        ]

    def __str__(self) -> str:
        return self.name


class PanelMeeting(TimeStampedModel):
    """One sitting of the panel. Referrals submitted on or before the cut-off date join
    its agenda; later ones wait for the next meeting.

    A meeting stays scheduled until its chair (or an LA officer) closes it, on or after
    its date: recording decisions does not hold it. A scheduled meeting may instead be
    postponed (a new meeting takes its agenda) or cancelled (its agenda moves on)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    panel = models.ForeignKey(InclusionPanel, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(default=datetime.time(9, 30))
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    chair = user_fk(optional=True, related_name="meetings_chaired")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="panel_meetings"
    )
    is_extra = models.BooleanField(
        default=False, help_text="An extra meeting outside the monthly series."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_by = user_fk()
    # Why it was postponed or cancelled (also in the audit event), and where to.
    status_reason = models.TextField(blank=True)
    postponed_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="postponed_from"
    )

    class Meta:
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "date", "start_time"], name="one_meeting_per_panel_slot"
            ),
            models.CheckConstraint(
                condition=~Q(venue="") | ~Q(online_link=""), name="meeting_has_a_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.panel} — {self.date:%-d %B %Y}"

    def awaits_closure(self, today: datetime.date) -> bool:
        """Its day has come and it is still scheduled: the chair should close it."""
        return self.status == self.Status.SCHEDULED and self.date <= today

    @property
    def cutoff_date(self) -> datetime.date:
        """The last day on which a submitted referral still joins this meeting."""
        return self.date - datetime.timedelta(days=cutoff_days())


class DeclarationOfInterest(TimeStampedModel):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="declarations")
    member = user_fk()
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    interest = models.TextField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.member} — {self.interest[:40]}"


class PanelDecision(TimeStampedModel):
    """The panel's joint decision on one agenda item: a referral, or the ratification of
    an emergency placement. Who recorded it and who sat are kept with the reasons."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        DEFERRED = "deferred", "Deferred to a later meeting"
        MORE_INFORMATION = "more_information", "More information requested"
        RATIFIED = "ratified", "Emergency placement ratified"
        NOT_RATIFIED = "not_ratified", "Emergency placement not ratified"

    REFERRAL_OUTCOMES = (
        Outcome.APPROVED,
        Outcome.DECLINED,
        Outcome.DEFERRED,
        Outcome.MORE_INFORMATION,
    )
    RATIFICATION_OUTCOMES = (Outcome.RATIFIED, Outcome.NOT_RATIFIED)

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="decisions")
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    emergency = models.ForeignKey(
        "referrals.EmergencyPlacement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reasons = models.TextField()
    conditions = models.TextField(blank=True)
    provider = organisation_fk(OrganisationKind.PROVIDER, optional=True)
    provider_acceptance_reason = models.TextField(
        blank=True, help_text="Why a provider that is not assured was accepted."
    )
    site = models.CharField(max_length=200, blank=True)
    proposed_start_date = models.DateField(null=True, blank=True)
    sessions_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    first_review_date = models.DateField(null=True, blank=True)
    # Who commissions an approved placement, and under which power: under a school's own
    # AP policy the school applies to the panel and remains the commissioner.
    commissioned_by = models.CharField(
        "Who commissions the placement",
        max_length=8,
        choices=Placement.ArrangedBy.choices,
        blank=True,
    )
    commissioning_power = models.CharField(
        "Power the placement is arranged under",
        max_length=10,
        choices=Placement.CommissioningPower.choices,
        blank=True,
    )
    members_present = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    recorded_by = user_fk()
    # Whether a letter to a parent may still be due: true from the start and set true
    # again by database triggers on every write that could make one due (a carer added
    # or changed, a letter's record removed or changed, the item's pupil or the
    # decision's item changed);
    # cleared only by `letters.settle_letters_due`, which checks the live rule. So it
    # is true of every decision with a letter due, and the LA's list of letters not
    # sent reads these few rather than every decision ever made
    # (docs/adr/0017-letters-due-kept-on-the-safe-side.md).
    letters_may_be_due = models.BooleanField(default=True, db_default=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["meeting"],
                condition=Q(letters_may_be_due=True),
                name="decisions_letters_may_be_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(referral__isnull=False) & Q(emergency__isnull=True))
                | (Q(referral__isnull=True) & Q(emergency__isnull=False)),
                name="decision_is_on_one_item",
            ),
            models.CheckConstraint(condition=~Q(reasons=""), name="decision_has_reasons"),
            models.CheckConstraint(
                condition=~Q(outcome="approved")
                | (
                    Q(provider__isnull=False)
                    & Q(proposed_start_date__isnull=False)
                    & Q(sessions_per_week__isnull=False)
                    & Q(first_review_date__isnull=False)
                ),
                name="approval_names_provider_start_sessions_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.meeting}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a decision read earlier never writes `letters_may_be_due` back: the
        triggers may have set it since (a parent added), and only the morning pass
        (`letters.settle_letters_due`, one statement) may clear it."""
        stored = not self._state.adding and self.pk is not None
        if stored and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "letters_may_be_due"
            ]
        super().save(*args, **kwargs)

    @property
    def decided_on(self) -> datetime.date:
        """The day the decision was recorded: the meeting's day or later."""
        return timezone.localdate(self.created_at)


class LetterSent(TimeStampedModel):
    """A letter to one of the pupil's parents or carers, recorded as sent: which letter,
    to whom (the name and address as they were when it went), how, when and by whom.
    Sent by email through the outbox (`panel.letters.send_letter`), or marked as sent by
    post or by hand."""

    class Letter(models.TextChoices):
        DECISION = "decision", "Panel decision letter"

    class Method(models.TextChoices):
        EMAIL = "email", "Email"
        POST = "post", "Post"
        HAND = "hand", "By hand"

    decision = models.ForeignKey(
        PanelDecision, on_delete=models.PROTECT, related_name="letters_sent"
    )
    letter = models.CharField(max_length=16, choices=Letter.choices, default=Letter.DECISION)
    carer = models.ForeignKey(
        "pupils.Carer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    addressed_to = models.CharField(max_length=200)
    postal_address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    method = models.CharField(max_length=8, choices=Method.choices)
    sent_at = models.DateTimeField()
    sent_by = user_fk()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "letter", "carer"], name="one_letter_per_carer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_letter_display()} to {self.addressed_to} ({self.get_method_display()})"
