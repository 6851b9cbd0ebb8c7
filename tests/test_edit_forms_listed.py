"""Every URL named like an edit form (`*edit*`, `*change*`) is in the browser test's
table of edit forms (tests/e2e/edit_forms.py), or says there why it is not one: a new
edit form cannot miss the check that saving it unchanged loses nothing."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

from tests.e2e.edit_forms import EDIT_FORMS, NOT_EDIT_FORMS

EDIT_NAME = re.compile(r"edit|change")


def _names(patterns: list, namespace: str = "") -> set[str]:  # type: ignore[type-arg]
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            found |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return found


def test_every_url_named_like_an_edit_form_is_in_the_table():
    named = {
        name
        for name in _names(get_resolver().url_patterns)
        if EDIT_NAME.search(name.split(":")[-1]) and not name.startswith("admin:")
    }
    assert named, "no URL named like an edit form: the name pattern no longer matches"
    listed = {form.url_name for form in EDIT_FORMS} | set(NOT_EDIT_FORMS)
    assert not named - listed, f"edit forms missing from tests/e2e/edit_forms.py: {named - listed}"


def test_every_row_of_the_table_names_a_url_that_exists():
    names = _names(get_resolver().url_patterns)
    stale = {form.url_name for form in EDIT_FORMS} - names
    assert not stale, f"tests/e2e/edit_forms.py names URLs that no longer exist: {stale}"
