"""`{% load links %}`: `{% record_url 'pupils:detail' pupil.pk %}`, the address of one
record's page, as `{% url 'pupils:detail' pupil.pk %}` gives it but without reversing the
URL name again for every row of a list, and `{% fixed_url 'home' %}`, the address of a
page that takes no argument, reversed once per process, and `{% fixed_static 'apcase/apcase.css' %}`,
`{% static %}`'s address worked out once per process (apcase/core/links.py)."""

from django import template

from apcase.core.links import fixed_static as _fixed_static
from apcase.core.links import fixed_url as _fixed_url
from apcase.core.links import record_url as _record_url

register = template.Library()


@register.simple_tag
def record_url(name: str, pk: object) -> str:
    return _record_url(name, pk)


@register.simple_tag
def fixed_url(name: str) -> str:
    return _fixed_url(name)


@register.simple_tag
def fixed_static(path: str) -> str:
    return _fixed_static(path)
