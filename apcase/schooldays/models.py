"""School days as data: each local authority's term dates, and the days inside a term
when a school is closed anyway (bank holidays, INSET days, a school's own closures).

A date is a school day when it is a weekday, falls inside one of the school's local
authority's terms, and is not a closure day for the school, for its local authority, or
for the whole country. Every "school day" rule (6th day, 45 days, 5 days to transfer a
file) is counted with `apcase.schooldays.calculator`, never by hand."""

from django.db import models
from django.db.models import F, Q

from apcase.accounts.fields import organisation_fk
from apcase.accounts.roles import OrganisationKind
from apcase.core.models import TimeStampedModel


class Term(TimeStampedModel):
    """A stretch of teaching days (usually a half term) set by a local authority.
    Days between two terms are holidays."""

    local_authority = organisation_fk(
        OrganisationKind.LOCAL_AUTHORITY, related_name="terms", on_delete=models.CASCADE
    )
    name = models.CharField(max_length=60)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["local_authority", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="term_ends_after_it_starts"
            ),
            models.UniqueConstraint(
                fields=["local_authority", "start_date"], name="one_term_per_start_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%d %b %Y} to {self.end_date:%d %b %Y})"


class ClosureDay(TimeStampedModel):
    """A weekday inside a term when pupils are not taught. Set for one school (INSET,
    polling day), for a whole local authority, or nationally (bank holidays) when
    both are empty."""

    date = models.DateField()
    reason = models.CharField(max_length=120)
    school = organisation_fk(
        OrganisationKind.SCHOOL,
        related_name="closure_days",
        optional=True,
        on_delete=models.CASCADE,
    )
    local_authority = organisation_fk(
        OrganisationKind.LOCAL_AUTHORITY,
        related_name="la_closure_days",
        optional=True,
        on_delete=models.CASCADE,
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(local_authority__isnull=True),
                name="closure_for_school_or_la_not_both",
            ),
            models.UniqueConstraint(
                fields=["date", "school"],
                condition=Q(school__isnull=False),
                name="one_closure_per_school_day",
            ),
            models.UniqueConstraint(
                fields=["date", "local_authority"],
                condition=Q(local_authority__isnull=False),
                name="one_closure_per_la_day",
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(school__isnull=True, local_authority__isnull=True),
                name="one_national_closure_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}: {self.reason}"

    @property
    def scope_label(self) -> str:
        if self.school_id:
            return "This school"
        if self.local_authority_id:
            return "Local authority"
        return "England (bank holiday)"
