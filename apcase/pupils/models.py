from django.db import models

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind
from apcase.core.models import TimeStampedModel


class Pupil(TimeStampedModel):
    """A child on a school's roll. The school stays responsible throughout any placement."""

    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pupils",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
    )
    upn = models.CharField("UPN", max_length=13)
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [models.UniqueConstraint(fields=["upn"], name="pupil_upn_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"
