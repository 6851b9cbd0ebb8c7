from typing import Any

from django import template

from apcase.accounts.models import Organisation
from apcase.directory.assurance import TAG_CLASSES, Status, annotated_reasons

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def not_assured_reasons(provider: Organisation) -> str:
    """Why a provider annotated by assurance.with_assurance is not assured."""
    return "; ".join(annotated_reasons(provider))


def _assurance_status(status: Any) -> Status:
    """A status value as its member; anything unknown reads as missing evidence."""
    return Status(status) if status in Status.values else Status.MISSING


@register.filter
def assurance_label(status: Any) -> str:
    """The words of an assurance status ("Expiring within 30 days")."""
    return str(_assurance_status(status).label)


@register.filter
def assurance_colour(status: Any) -> str:
    """The GOV.UK tag colour of an assurance status, for {% govuk_tag %}."""
    return TAG_CLASSES[_assurance_status(status)]
