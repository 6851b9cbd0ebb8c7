from typing import Any

from django import template

from apcase.directory.assurance import annotated_reasons

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def not_assured_reasons(provider: Any) -> str:
    """Why a provider annotated by assurance.with_assurance is not assured."""
    return "; ".join(annotated_reasons(provider))
