from django.db import models
from django.db.models import Q

from apcase.accounts.fields import organisation_fk
from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind
from apcase.core.models import TimeStampedModel, user_fk
from apcase.core.uploads import StoredFilePath


class Referral(TimeStampedModel):
    """A school's written application to the inclusion panel for one pupil. Its status
    changes only through referrals.workflow; its sections through referrals.services."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SCHEDULED = "scheduled", "Scheduled for a meeting"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        DEFERRED = "deferred", "Deferred to a later meeting"
        MORE_INFORMATION = "more_information", "More information requested"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Reason(models.TextChoices):
        MEDICAL = "medical", "Medical needs"
        BEHAVIOUR = "behaviour", "Behaviour"
        RISK_OF_EXCLUSION = "risk_of_exclusion", "Risk of exclusion"
        SEMH = "semh", "Social, emotional and mental health"
        OTHER = "other", "Other"

    class Consent(models.TextChoices):
        GIVEN = "given", "Consent given"
        REFUSED = "refused", "A parent refused consent"
        NOT_OBTAINED = "not_obtained", "Consent not obtained"

    class SharingBasis(models.TextChoices):
        """The lawful basis for sharing without consent (docs/regulations.md, "Consent
        to share and the lawful basis for sharing without it")."""

        PUBLIC_TASK = (
            "public_task",
            "Public task of the school and local authority (UK GDPR Article 6(1)(e))",
        )
        SAFEGUARDING = (
            "safeguarding",
            "Safeguarding the child (Data Protection Act 2018, Schedule 1, paragraph 18)",
        )
        VITAL_INTERESTS = (
            "vital_interests",
            "Vital interests: to protect the child's life or safety (UK GDPR Article 6(1)(d))",
        )

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="referrals")
    school = organisation_fk(OrganisationKind.SCHOOL, related_name="referrals_made")
    panel = models.ForeignKey(
        "panel.InclusionPanel", on_delete=models.PROTECT, related_name="referrals"
    )
    meeting = models.ForeignKey(
        "panel.PanelMeeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = user_fk(related_name="referrals_drafted")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    # Reason for referral
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    reason_description = models.TextField(blank=True)
    # Attendance and exclusions (filled in from the pupil record, editable)
    attendance_summary = models.TextField(blank=True)
    exclusions_summary = models.TextField(blank=True)
    # SEND and health
    send_summary = models.TextField("SEND summary", blank=True)
    health_summary = models.TextField(blank=True)
    # Parent and carer views, consent to share
    parent_views = models.TextField(blank=True)
    parent_views_gathered_how = models.CharField(max_length=200, blank=True)
    parent_views_gathered_on = models.DateField(null=True, blank=True)
    consent = models.CharField(max_length=16, choices=Consent.choices, blank=True)
    consent_given_by = models.CharField(max_length=200, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    consent_recorded_how = models.CharField(max_length=200, blank=True)
    consent_not_obtained_reason = models.TextField(blank=True)
    # Sharing without consent (refused or not obtained): the lawful basis, and how the
    # parents were told that their child's information is shared all the same.
    sharing_basis = models.CharField(max_length=20, choices=SharingBasis.choices, blank=True)
    sharing_basis_detail = models.TextField(blank=True)
    parents_told_by = models.CharField(max_length=200, blank=True)
    parents_told_on = models.DateField(null=True, blank=True)
    parents_told_how = models.CharField(max_length=200, blank=True)
    # The child's voice
    child_voice = models.TextField(blank=True)
    child_voice_gathered_how = models.CharField(max_length=200, blank=True)
    # Provision sought
    provision_sought = models.TextField(blank=True)
    preferred_provider = organisation_fk(OrganisationKind.PROVIDER, optional=True)
    # Section flags a user sets when a section has nothing more to add
    interventions_complete = models.BooleanField(default=False)
    documents_complete = models.BooleanField(default=False)
    # Headteacher sign-off; cleared whenever a section changes afterwards
    signed_off_by = user_fk(optional=True, related_name="referrals_signed_off")
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(meeting__isnull=False),
                name="scheduled_referral_has_meeting",
            ),
        ]
        indexes = [
            # The LA's referral list: a panel's referrals, most recently changed first.
            models.Index(fields=["panel", "-updated_at"], name="referrals_by_panel_updated"),
            # How many referrals the LA's list holds under its default filter, the open
            # ones: an index of those alone, so that counting them reads the work in
            # hand, not every referral ever closed (selectors.OPEN_STATUSES: every status
            # but the two the workflow ends in, which a test keeps this list to).
            models.Index(
                fields=["panel", "submitted_at"],
                name="open_referrals_by_panel",
                condition=~models.Q(status__in=["closed", "withdrawn"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Referral for {self.pupil} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.MORE_INFORMATION)

    @property
    def consent_refused(self) -> bool:
        return self.consent == self.Consent.REFUSED

    @property
    def shared_without_consent(self) -> bool:
        return self.consent in (self.Consent.REFUSED, self.Consent.NOT_OBTAINED)


class Intervention(TimeStampedModel):
    """Something the school has already tried (the graduated response)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="interventions")
    description = models.TextField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.TextField()

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="intervention_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]


class ReferralDocument(TimeStampedModel):
    """Supporting evidence, stored outside the web root (apcase.core.uploads)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=200)
    stored_path = StoredFilePath(max_length=300)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    uploaded_by = user_fk()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class EmergencyPlacement(TimeStampedModel):
    """A placement arranged at once, without waiting for the panel, with a risk
    assessment; the next panel meeting ratifies it or not."""

    class Ratification(models.TextChoices):
        AWAITING = "awaiting", "Awaiting ratification"
        RATIFIED = "ratified", "Ratified"
        NOT_RATIFIED = "not_ratified", "Not ratified — placement to end or be replaced"
        ENDED = "ended", "Not ratified — placement ended"

    class Level(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="emergency_placements"
    )
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    panel = models.ForeignKey(
        "panel.InclusionPanel", on_delete=models.PROTECT, related_name="emergencies"
    )
    meeting = models.ForeignKey(
        "panel.PanelMeeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergencies",
    )
    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.PROTECT, related_name="emergency"
    )
    ratification = models.CharField(
        max_length=16, choices=Ratification.choices, default=Ratification.AWAITING
    )
    arranged_by = user_fk()
    why_it_cannot_wait = models.TextField()
    # Risk assessment
    risks = models.TextField()
    likelihood = models.CharField(max_length=8, choices=Level.choices)
    severity = models.CharField(max_length=8, choices=Level.choices)
    mitigations = models.TextField()
    assessed_by = models.CharField(max_length=200)
    assessed_on = models.DateField()
    risk_review_on = models.DateField()
    provider_acceptance_reason = models.TextField(
        blank=True, help_text="Why a provider that is not assured was used."
    )
    # How and when the parents or carers were told the child is going to the provider.
    parents_told_how = models.TextField(blank=True)
    parents_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_review_on__gte=models.F("assessed_on")),
                name="risk_review_after_assessment",
            )
        ]

    def __str__(self) -> str:
        return f"Emergency placement for {self.pupil}"
