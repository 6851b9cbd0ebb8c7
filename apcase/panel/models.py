from django.db import models

from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind
from apcase.core.models import TimeStampedModel


class InclusionPanel(TimeStampedModel):
    """A local authority's inclusion panel (e.g. Milton Keynes Primary Inclusion Panel),
    to which its schools refer pupils for alternative provision."""

    local_authority = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="panels",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=40, blank=True, help_text="For example, Primary.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="panel_name_per_la")
        ]

    def __str__(self) -> str:
        return self.name
