"""`{% load links %}`: `{% record_url 'pupils:detail' pupil.pk %}`, the address of one
record's page, as `{% url 'pupils:detail' pupil.pk %}` gives it but without reversing the
URL name again for every row of a list (apcase/core/links.py)."""

from django import template

from apcase.core.links import record_url as _record_url

register = template.Library()


@register.simple_tag
def record_url(name: str, pk: object) -> str:
    return _record_url(name, pk)
