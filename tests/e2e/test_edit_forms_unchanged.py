"""Every edit form of the demo (tests/e2e/edit_forms.py), opened in a browser by the
account whose work it is and saved unchanged: the save succeeds (a redirect, no error
summary), the form shows the same value in every field afterwards, and the records the
form's URL names (and the person's own) hold the same value in every column, so an edit
form never loses what it does not show, turns a blank into an answer, moves a date or
re-stamps who recorded something.

One browser session for all the forms; each account signs in once."""

import re
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from playwright.sync_api import BrowserContext, Locator, Page

from tests.e2e.conftest import ConsoleWatch, sign_in_by_cookie
from tests.e2e.edit_forms import (
    BOOKKEEPING,
    EDIT_FORMS,
    PERSON_RECORDS,
    RECORDS_BY_ARGUMENT,
    EditForm,
)

pytestmark = pytest.mark.browser

# Fields that change on every page or every save by design: the CSRF token, the key
# that makes a save happen once, and the record's version for optimistic locking.
NOT_VALUES = ("csrfmiddlewaretoken", "idempotency_key", "version")

VALUES = """(form, skip) => Array.from(form.elements)
  .filter((e) => e.name && !skip.includes(e.name) && !["submit", "button", "file"].includes(e.type))
  .map((e) => ["radio", "checkbox"].includes(e.type)
    ? `${e.name}=${e.value}:${e.checked ? "chosen" : "not chosen"}`
    : `${e.name}=${e.value}`)"""


def _edit_form(page: Page) -> Locator:
    """The page's own form: the first form in <main> that posts and has a field."""
    return page.locator(
        "main form[method=post]:has(input:not([type=hidden]), select, textarea)"
    ).first


def _values(page: Page) -> list[str]:
    return list(_edit_form(page).evaluate(VALUES, list(NOT_VALUES)))


def _fill(page: Page, fill: tuple[tuple[str, str], ...]) -> None:
    form = _edit_form(page)
    for name, value in fill:
        radio = form.locator(f"input[type=radio][name='{name}'][value='{value}']")
        if radio.count():
            radio.check()
        else:
            form.locator(f"[name='{name}']").fill(value)


def _save_unchanged(
    page: Page, url: str, fill: tuple[tuple[str, str], ...]
) -> tuple[list[str], list[str]]:
    page.goto(url)
    _fill(page, fill)
    before = _values(page)
    assert before, "no fields found on the form"
    with page.expect_navigation() as navigation:
        _edit_form(page).locator("button[type=submit], input[type=submit]").first.click()
    response = navigation.value
    assert response is not None
    assert response.status == 200, f"the save ended on status {response.status}"
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, f"refused: {summary.first.inner_text()}"
    redirected = response.request.redirected_from
    assert redirected is not None, f"the save did not redirect: it stayed on {page.url}"
    assert redirected.method == "POST", f"the save did not redirect: it stayed on {page.url}"
    page.goto(url)
    return before, _values(page)


def test_every_edit_form_saved_unchanged_keeps_every_value(
    demo_site: str, context: BrowserContext, page: Page, console: ConsoleWatch
) -> None:
    problems: list[str] = []
    signed_in_as = ""
    for form in sorted(EDIT_FORMS, key=lambda one: one.email):
        if form.email != signed_in_as:
            sign_in_by_cookie(context, demo_site, form.email)
            signed_in_as = form.email
        problems.extend(_check(page, demo_site, form))
    assert not problems, "\n".join(problems)
    assert not console.errors, console.errors


def _saved(form: EditForm, kwargs: dict[str, Any]) -> dict[str, Any]:
    """What the database holds for the records the form's URL names and for the person
    saving it, column by column."""
    wanted = [
        (model, lookup, value)
        for argument, value in kwargs.items()
        for model, lookup in RECORDS_BY_ARGUMENT.get(argument, ())
    ] + [(model, lookup, form.email) for model, lookup in PERSON_RECORDS]
    found: dict[str, Any] = {}
    for model_name, lookup, value in wanted:
        model = apps.get_model(model_name)
        for row in model.objects.filter(**{lookup: value}):
            for column in row._meta.concrete_fields:
                if column.attname not in BOOKKEEPING:
                    found[f"{model_name}#{row.pk}.{column.attname}"] = getattr(row, column.attname)
    return found


def _check(page: Page, base_url: str, form: EditForm) -> list[str]:
    try:
        kwargs: dict[str, Any] = form.kwargs()
        url = base_url + reverse(form.url_name, kwargs=kwargs)
        fill = form.fill()
        stored = _saved(form, kwargs)
        before, after = _save_unchanged(page, url, fill)
    except AssertionError as failed:
        return [f"{form.name} as {form.email}: {failed}"]
    problems = []
    if before != after:
        lost = [f"{b!r} became {a!r}" for b, a in zip(before, after, strict=False) if b != a]
        if len(before) != len(after):
            lost.append(f"{len(before)} fields became {len(after)}")
        problems.append(
            f"{form.name} as {form.email}: the form saved unchanged shows " + "; ".join(lost)
        )
    filled = {re.sub(r"_\d$", "", name) for name, _ in fill}
    now = _saved(form, kwargs)
    changed = [
        f"{key}: {stored.get(key)!r} became {now.get(key)!r}"
        for key in sorted(stored)  # a row made by the save (a default written down) loses nothing
        if stored[key] != now.get(key) and key.rsplit(".", 1)[-1] not in filled
    ]
    if changed:
        problems.append(f"{form.name} as {form.email}: saved unchanged, " + "; ".join(changed))
    return problems
