"""What the local authority's directory knows about a provider beyond its GIAS record
(which lives on accounts.Organisation): registration, contacts, services, sites,
inspections and the assurance evidence a commissioning school must hold."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apcase.accounts.models import Organisation
from apcase.core.models import TimeStampedModel
from apcase.core.uploads import StoredFilePath

from .ofsted import LegacyGrade, Scale


class Registration(models.TextChoices):
    REGISTERED = "registered", "Registered"
    UNREGISTERED = "unregistered", "Unregistered"


class APSettingType(models.TextChoices):
    """School census codes for a provider with no URN or UKPRN."""

    NFE = "NFE", "Non-maintained further education"
    OOT = "OOT", "One-to-one tuition"
    OTH = "OTH", "Other unregistered provider"
    WBP = "WBP", "Work-based placement"


class ServiceCategory(models.TextChoices):
    THERAPEUTIC = "therapeutic", "Therapeutic service"
    CAMHS = "camhs", "CAMHS link"
    SOCIAL_CARE = "social_care", "Children's social care"
    FAMILY_SUPPORT = "family_support", "Family support"
    SPEECH_LANGUAGE = "speech_language", "Speech and language"
    OTHER = "other", "Other"


class ProviderProfile(TimeStampedModel):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="provider_profile"
    )
    registration = models.CharField(
        max_length=12, choices=Registration.choices, default=Registration.REGISTERED
    )
    ap_setting_type = models.CharField(
        "AP setting type", max_length=3, choices=APSettingType.choices, blank=True
    )
    age_from = models.PositiveSmallIntegerField(null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(null=True, blank=True)
    main_contact_name = models.CharField(max_length=150, blank=True)
    main_contact_email = models.EmailField(blank=True)
    main_contact_phone = models.CharField(max_length=30, blank=True)
    dsl_name = models.CharField("DSL name", max_length=150, blank=True)
    dsl_email = models.EmailField("DSL email", blank=True)
    dsl_phone = models.CharField("DSL phone", max_length=30, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(age_from__isnull=True)
                | Q(age_to__isnull=True)
                | Q(age_from__lte=models.F("age_to")),
                name="provider_age_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.organisation}"

    @property
    def is_unregistered(self) -> bool:
        return self.registration == Registration.UNREGISTERED


class ProviderService(TimeStampedModel):
    """A service the provider offers or works with (e.g. a therapeutic service, CAMHS)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="provider_services"
    )
    category = models.CharField(max_length=20, choices=ServiceCategory.choices)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="provider_service_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Site(TimeStampedModel):
    """A place where pupils are taught. A placement names its site, so sites are never
    deleted: one that is no longer used is marked inactive."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    locality = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    is_main = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_main", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_main=True, is_active=True),
                name="one_main_site_per_provider",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}"

    @staticmethod
    def name_key(name: str) -> str:
        """What two names of one provider's sites must not share: "Romans Field site" and
        " romans  Field Site" are the same site to a reader."""
        return " ".join(name.split()).casefold()

    @property
    def address_lines(self) -> list[str]:
        return [p for p in (self.street, self.locality, self.town, self.postcode) if p]


class Inspection(TimeStampedModel):
    """One Ofsted inspection on one scale: a legacy overall grade, or a report card with
    a grade per area and safeguarding met / not met."""

    class Source(models.TextChoices):
        GIAS = "gias", "GIAS import"
        MANUAL = "manual", "Entered by the local authority"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="inspections"
    )
    scale = models.CharField(max_length=12, choices=Scale.choices)
    inspected_on = models.DateField()
    overall_grade = models.CharField(max_length=24, choices=LegacyGrade.choices, blank=True)
    area_grades = models.JSONField(default=dict, blank=True)
    safeguarding_met = models.BooleanField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scale=Scale.LEGACY, safeguarding_met__isnull=True) & ~Q(overall_grade="")
                )
                | (Q(scale=Scale.REPORT_CARD, overall_grade="", safeguarding_met__isnull=False)),
                name="inspection_uses_one_scale",
            ),
            models.UniqueConstraint(
                fields=["organisation", "scale", "inspected_on"],
                name="one_inspection_per_scale_and_date",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_scale_display()} inspection of {self.organisation} on {self.inspected_on}"
        )


class AssuranceKind(models.TextChoices):
    VETTING = "vetting", "Written confirmation of staff vetting checks"
    INSURANCE = "insurance", "Insurance"
    SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy"
    QA_VISIT = "qa_visit", "Local authority quality-assurance visit"


class AssuranceRecord(TimeStampedModel):
    """Evidence the LA holds about a provider, valid until `expires_on` (inclusive)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assurance_records"
    )
    kind = models.CharField(max_length=24, choices=AssuranceKind.choices)
    received_on = models.DateField()
    expires_on = models.DateField()
    # KCSIE: the provider undertakes to tell the commissioner of changes (e.g. staff).
    undertakes_to_report_changes = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    document_path = StoredFilePath(max_length=255, blank=True)
    document_name = models.CharField(max_length=150, blank=True)
    document_extension = models.CharField(max_length=8, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-expires_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("received_on")),
                name="assurance_expires_after_received",
            ),
            models.CheckConstraint(
                condition=~Q(kind="vetting") | Q(undertakes_to_report_changes=True),
                name="vetting_confirmation_has_undertaking",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.organisation} until {self.expires_on}"

    @property
    def has_document(self) -> bool:
        return bool(self.document_path)


class AssuranceAlert(models.Model):
    """An assurance record that is expiring or has expired, told once to the inclusion
    lead(s) of one school with a pupil placed at the provider. The scheduled
    `check_assurance` command looks here so it never tells the same school twice about
    the same record in the same state."""

    class State(models.TextChoices):
        EXPIRING = "expiring", "Expiring"
        EXPIRED = "expired", "Expired"

    record = models.ForeignKey(AssuranceRecord, on_delete=models.CASCADE, related_name="alerts")
    state = models.CharField(max_length=8, choices=State.choices)
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    sent_to = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "state", "school"], name="assurance_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record} ({self.get_state_display()}) told to {self.school}"
