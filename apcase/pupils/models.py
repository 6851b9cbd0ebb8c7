"""Pupils on a school's roll, the people who care for them, and their suspensions and
permanent exclusions. Child protection and child-in-need flags are read only by the
school's DSL (`policies.can_see_child_protection`)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from apcase.accounts.fields import organisation_fk
from apcase.accounts.roles import OrganisationKind
from apcase.core.models import TimeStampedModel
from apcase.core.uploads import StoredFilePath
from apcase.core.words import Pronouns, pronouns_for
from apcase.reference.census import (
    ContactMethod,
    ExclusionKind,
    ExclusionReason,
    NCYear,
    SENStatus,
    Sex,
)


def display_name_of(
    legal_first_name: str, legal_last_name: str, preferred_name: str, preferred_last_name: str
) -> str:
    """The name a pupil is shown by, from their record's names (a pupil's, or those of
    a row an import writes without making a Pupil)."""
    return f"{preferred_name or legal_first_name} {preferred_last_name or legal_last_name}"


def is_temporary_upn(upn: str) -> bool:
    """Whether a UPN is a temporary one: it ends in a letter, not a digit."""
    return bool(upn) and upn[-1].isalpha()


def carer_label(name: str, relationship: str) -> str:
    """How a carer is named in messages and the chronology ("Sam Smith (Mother)")."""
    return f"{name} ({relationship})"


class Pupil(TimeStampedModel):
    """A child on a school's roll. The school stays responsible throughout any placement."""

    school = organisation_fk(OrganisationKind.SCHOOL, related_name="pupils")
    upn = models.CharField("UPN", max_length=13)
    legal_first_name = models.CharField(max_length=100)
    legal_middle_names = models.CharField(max_length=100, blank=True)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    nc_year = models.CharField("National curriculum year", max_length=2, choices=NCYear.choices)
    admission_date = models.DateField(null=True, blank=True)
    sen_status = models.CharField(
        "SEN status", max_length=1, choices=SENStatus.choices, default=SENStatus.NONE
    )
    looked_after = models.BooleanField(default=False)
    child_protection_plan = models.BooleanField(default=False)
    child_in_need = models.BooleanField(default=False)
    free_school_meals = models.BooleanField(default=False)
    pupil_premium = models.BooleanField(default=False)
    medical_needs = models.TextField(blank=True)
    allergies = models.TextField(blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    photo_path = StoredFilePath(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [models.UniqueConstraint(fields=["upn"], name="pupil_upn_unique")]
        indexes = [models.Index(fields=["school", "legal_last_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name_of(
            self.legal_first_name,
            self.legal_last_name,
            self.preferred_name,
            self.preferred_last_name,
        )

    @property
    def initialled_name(self) -> str:
        """First name and the last name's initial ("Jo S."): how messages that leave
        the service (emails, alerts) name a child, so a mis-sent or glanced-at message
        discloses as little as possible."""
        first = self.preferred_name or self.legal_first_name
        last = self.preferred_last_name or self.legal_last_name
        return f"{first} {last[:1]}." if last else first

    @property
    def pronouns(self) -> Pronouns:
        """How text about the pupil refers to them, from the sex on the record ("they"
        when none is recorded): `{{ pupil.pronouns.possessive }}`."""
        return pronouns_for(self.sex)

    @property
    def legal_name(self) -> str:
        parts = [self.legal_first_name, self.legal_middle_names, self.legal_last_name]
        return " ".join(p for p in parts if p)

    @property
    def has_temporary_upn(self) -> bool:
        return is_temporary_upn(self.upn)


class Carer(TimeStampedModel):
    """A parent or carer. A restriction (e.g. no contact) is shown wherever they are."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="carers")
    name = models.CharField(max_length=150)
    relationship = models.CharField(max_length=60)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_pupil = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_contact_method = models.CharField(
        max_length=10, choices=ContactMethod.choices, blank=True
    )
    restriction = models.TextField(
        blank=True, help_text="For example: no contact, court order, do not share address."
    )
    priority = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return carer_label(self.name, self.relationship)

    @property
    def is_restricted(self) -> bool:
        return bool(self.restriction.strip())


class Exclusion(TimeStampedModel):
    """A suspension (a number of school days, halves allowed) or a permanent exclusion."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="exclusions")
    kind = models.CharField(max_length=10, choices=ExclusionKind.choices)
    start_date = models.DateField()
    length_days = models.DecimalField(
        "Length in school days", max_digits=4, decimal_places=1, null=True, blank=True
    )
    reason_1 = models.CharField(max_length=2, choices=ExclusionReason.choices)
    reason_2 = models.CharField(max_length=2, choices=ExclusionReason.choices, blank=True)
    reason_3 = models.CharField(max_length=2, choices=ExclusionReason.choices, blank=True)
    la_notified_date = models.DateField("Date the LA was told", null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=ExclusionKind.SUSPENSION, length_days__gt=Decimal("0"))
                    | Q(kind=ExclusionKind.PERMANENT, length_days__isnull=True)
                ),
                name="suspension_has_length_permanent_has_none",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ExclusionKind.PERMANENT:
            return f"Permanent exclusion from {self.start_date:%d %B %Y}"
        return f"Suspension of {self.length_label} from {self.start_date:%d %B %Y}"

    @property
    def reasons(self) -> list[str]:
        return [code for code in (self.reason_1, self.reason_2, self.reason_3) if code]

    @property
    def reason_labels(self) -> list[str]:
        return [f"{code} – {ExclusionReason(code).label}" for code in self.reasons]

    @property
    def length_label(self) -> str:
        if self.length_days is None:
            return ""
        days = self.length_days.normalize()
        unit = "day" if days == 1 else "days"
        return f"{days:f} school {unit}"
