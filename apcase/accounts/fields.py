"""Model fields that link a record to an organisation of one kind."""

from typing import Any, Literal, overload

from django.db import models

from .models import Organisation


@overload
def organisation_fk(
    kind: str,
    *,
    related_name: str = "+",
    optional: Literal[False] = False,
    on_delete: Any = models.PROTECT,
) -> "models.ForeignKey[Organisation, Organisation]": ...
@overload
def organisation_fk(
    kind: str, *, related_name: str = "+", optional: Literal[True], on_delete: Any = models.PROTECT
) -> "models.ForeignKey[Organisation | None, Organisation | None]": ...
def organisation_fk(
    kind: str, *, related_name: str = "+", optional: bool = False, on_delete: Any = models.PROTECT
) -> Any:
    """A link to an organisation of one kind (`school = organisation_fk(OrganisationKind.
    SCHOOL, related_name="pupils")`), offered in forms only among organisations of that
    kind: PROTECT unless `on_delete` says otherwise, as the organisation outlives the
    record; `optional` while none is named."""
    return models.ForeignKey(
        Organisation,
        null=optional,
        blank=optional,
        on_delete=on_delete,
        related_name=related_name,
        limit_choices_to={"kind": kind},
    )
