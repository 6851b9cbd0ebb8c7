from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from apcase.accounts.fields import organisation_fk
from apcase.accounts.roles import OrganisationKind
from apcase.core.models import TimeStampedModel, user_fk
from apcase.core.uploads import StoredFilePath
from apcase.reference.attendance import Session, Weekday


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

    class CommissioningPower(models.TextChoices):
        """The power under which the commissioner arranges the provision."""

        SCHOOL_OFF_SITE = (
            "s29a",
            "School: off-site direction to improve behaviour (s29A Education Act 2002)",
        )
        SCHOOL_ARRANGED = "school_ap", "School: alternative provision the school commissions"
        LA_S19 = (
            "s19",
            "Local authority: education otherwise than at school (s19 Education Act 1996)",
        )
        LA_EHCP = (
            "ehcp",
            "Local authority: provision in an EHC plan (s42/s61 Children and Families Act 2014)",
        )

    class Destination(models.TextChoices):
        """Where the child went when the placement ended: a fixed list, so outcomes can
        be counted."""

        RETURNED_FULL_TIME = "returned_full_time", "Returned to the home school full time"
        RETURNED_PART_TIME = (
            "returned_part_time",
            "Returned to the home school on a part-time timetable",
        )
        ANOTHER_AP = "another_ap", "Moved to another alternative provision placement"
        SPECIALIST = "specialist", "Moved to specialist provision"
        ANOTHER_SCHOOL = "another_school", "Moved to another mainstream school"
        MANAGED_MOVE = "managed_move", "Managed move to another school"
        PERMANENTLY_EXCLUDED = "permanently_excluded", "Permanently excluded"
        ELECTIVE_HOME_EDUCATION = "ehe", "Elective home education"
        LEFT_AREA = "left_area", "Left the area"
        NOT_RATIFIED = "not_ratified", "Emergency placement not ratified by the panel"
        NOT_STARTED = "not_started", "The placement did not start"
        OTHER = "other", "Other"

    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="placements")
    provider = organisation_fk(OrganisationKind.PROVIDER, related_name="placements")
    # Free text kept from before sites were picked from the directory; `sites` is the
    # list of every address where the child is taught.
    site = models.CharField(max_length=200, blank=True)
    sites = models.ManyToManyField("directory.Site", blank=True, related_name="placements")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField()
    planned_end_date = models.DateField(null=True, blank=True)
    # When the placement became active (started, or an emergency placement arranged):
    # no register is expected for a session whose cut-off had passed by then.
    started_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)  # the last day at the provider
    end_reason = models.TextField(blank=True)
    end_decided_by = models.CharField("Who decided to end it", max_length=200, blank=True)
    end_destination = models.CharField(
        "Where the child went", max_length=24, choices=Destination.choices, blank=True
    )
    # What "other" means for this child: said in words, so no outcome is left unknown.
    end_destination_other = models.CharField(
        "Where the child went (other)", max_length=200, blank=True
    )
    sessions_per_week = models.PositiveSmallIntegerField()
    first_review_date = models.DateField(null=True, blank=True)
    arranged_by = models.CharField(max_length=8, choices=ArrangedBy.choices)
    commissioning_power = models.CharField(
        "Power the placement is arranged under",
        max_length=10,
        choices=CommissioningPower.choices,
        blank=True,
    )
    is_emergency = models.BooleanField(default=False)
    # When the local authority's officers were told of a placement the school
    # commissioned without the panel (placements.notify.tell_la): empty for one the LA
    # arranged or the panel approved, and for one nobody at the LA could be told of.
    la_notified_at = models.DateTimeField(
        "When the local authority was told", null=True, blank=True
    )
    # An emergency placement is watched every weekday session until its full plan is
    # agreed by the school, a parent or carer and the provider (then its timetable rules).
    full_plan_agreed_on = models.DateField(null=True, blank=True)
    named_staff_member = user_fk(optional=True, related_name="placements_named_for")
    created_from_decision = models.OneToOneField(
        "panel.PanelDecision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placement",
    )
    # The placement plan (placements.plan / services): filled in before it starts.
    transport = models.TextField(blank=True)
    funding = models.TextField("Funding and cost", blank=True)
    dual_registered = models.BooleanField("Dual registered at the provider", default=False)
    # Why the usual rule (dual registration at a PRU or AP academy) is not followed.
    dual_registration_reason = models.TextField(blank=True)
    # A second open placement is allowed only when it is explicitly part time at
    # another provider (constraints below).
    is_additional_part_time = models.BooleanField(default=False)
    # A part-time timetable: for some sessions the pupil is neither at school nor at the
    # provider. A parent the pupil lives with must agree to it (services.agreements).
    part_time_timetable = models.BooleanField(default=False)
    # Bumped by every change to the plan: agreements are for one version of it.
    plan_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            # A child is taught in one arranged placement at a time.
            models.UniqueConstraint(
                fields=["pupil"],
                condition=~Q(status="ended") & Q(is_additional_part_time=False),
                name="one_open_placement_per_pupil",
            ),
            # ...and at most one more, part time, at a different provider.
            models.UniqueConstraint(
                fields=["pupil"],
                condition=~Q(status="ended") & Q(is_additional_part_time=True),
                name="one_additional_part_time_placement_per_pupil",
            ),
            models.UniqueConstraint(
                fields=["pupil", "provider"],
                condition=~Q(status="ended"),
                name="one_open_placement_per_pupil_and_provider",
            ),
            models.CheckConstraint(
                condition=Q(is_additional_part_time=False) | Q(sessions_per_week__lt=10),
                name="additional_placement_is_part_time",
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


class PlacementSession(models.Model):
    """One half-day of the weekly timetable spent at the provider; the rest is at school."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    session = models.CharField(max_length=2, choices=Session.choices)
    # Taught hours in this session; empty means the usual length of a morning or an
    # afternoon (settings.APCASE_SESSION_HOURS).
    hours = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["weekday", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "weekday", "session"], name="placement_session_once"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=4), name="placement_session_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.get_session_display().lower()}"

    @property
    def taught_hours(self) -> Decimal:
        if self.hours is not None:
            return self.hours
        hours = getattr(settings, "APCASE_SESSION_HOURS", {"am": "3.0", "pm": "2.5"})
        return Decimal(str(hours[self.session]))


class PlacementExtension(models.Model):
    """A placement's planned end date moved later, with the reason: kept as history."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="extensions")
    previous_end_date = models.DateField(null=True, blank=True)
    new_end_date = models.DateField()
    reason = models.TextField()
    recorded_by = user_fk()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Extended to {self.new_end_date}"


class PlacementObjective(TimeStampedModel):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="objectives")
    what = models.TextField("Objective")
    baseline = models.TextField("Baseline: where the child is now")
    target = models.TextField("Target")
    measured_by = models.TextField("How it is measured")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.what[:80]


class PlacementAgreement(models.Model):
    """One party's agreement to one version of the plan: who agreed, and when. A parent
    or carer is one of the pupil's carers with parental responsibility (`carer`), with
    how they agreed; the provider is one of its users, agreeing in apcase
    (`agreed_by_user`). `agreed_by_name` keeps the name as it was when they agreed."""

    class Party(models.TextChoices):
        SCHOOL = "school", "School"
        PARENT = "parent", "Parent or carer"
        PROVIDER = "provider", "Provider"

    class How(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone"
        SIGNED_FORM = "signed_form", "Signed form (uploaded)"

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="agreements")
    party = models.CharField(max_length=10, choices=Party.choices)
    agreed_by_name = models.CharField("Name of the person who agreed", max_length=150)
    agreed_on = models.DateField()
    carer = models.ForeignKey(
        "pupils.Carer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    how = models.CharField(max_length=12, choices=How.choices, blank=True)
    signed_form_path = StoredFilePath(max_length=300, blank=True)
    signed_form_name = models.CharField(max_length=200, blank=True)
    signed_form_extension = models.CharField(max_length=8, blank=True)
    agreed_by_user = user_fk(optional=True)
    plan_version = models.PositiveIntegerField()
    recorded_by = user_fk()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["party", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "party", "plan_version"], name="one_agreement_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.agreed_by_name} on {self.agreed_on}"


class PlacementAlert(models.Model):
    """One day's alert about a placement (placements.watch), sent once that day: the
    scheduled check may run as often as it likes."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20)
    date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "kind", "date"], name="one_placement_alert_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.date}"
