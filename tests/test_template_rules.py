"""Templates write GOV.UK components one way and type no rule's figure (issue 10).

1. A summary-list row, a table, a coloured tag or a back link comes from `{% load govuk %}`
   (apcase/core/templatetags/govuk.py), never hand-typed markup, so their markup and
   escaping are decided in one place; a list's pagination comes from its one include
   (`includes/pagination.html`).
2. No comparison in a template tests a figure of two digits or more (`== 500`,
   `<= 45`): the view passes the constant the code enforces.

Each rule is also run against a small bad example, so a rule that stopped matching
anything would fail here instead of passing quietly."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "apcase").rglob("templates/**/*.html"))

HAND_TYPED = {
    "summary-list row": re.compile(r'class="govuk-summary-list__row'),
    "table": re.compile(r'<table class="govuk-table'),
    "coloured tag": re.compile(r'class="govuk-tag govuk-tag--|class="govuk-tag \{\{'),
    "back link": re.compile(r'class="govuk-back-link'),
    "pagination": re.compile(r'class="govuk-pagination"'),
}
# The one template that writes a component's markup, where a tag does not.
HOME_OF = {"pagination": "apcase/templates/includes/pagination.html"}
FIGURE_IN_COMPARISON = re.compile(r"\{%\s*(?:el)?if\b[^%]*(?:==|!=|<=|>=|<|>)\s*\d{2,}[^%]*%\}")


def hand_typed_components(text: str) -> list[str]:
    return [name for name, pattern in HAND_TYPED.items() if pattern.search(text)]


def figures_in_comparisons(text: str) -> list[str]:
    return FIGURE_IN_COMPARISON.findall(text)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_templates_use_the_govuk_components():
    offenders = {
        _name(path): found
        for path in TEMPLATES
        if (
            found := [
                name
                for name in hand_typed_components(path.read_text(encoding="utf-8"))
                if HOME_OF.get(name) != _name(path)
            ]
        )
    }
    assert offenders == {}, (
        "Use {% summary_row %}, {% table %}, {% govuk_tag %}, {% govuk_back_link %}, "
        '{% include "includes/pagination.html" %}'
    )


def test_templates_compare_with_no_typed_figure():
    offenders = {
        _name(path): found
        for path in TEMPLATES
        if (found := figures_in_comparisons(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "Pass the constant or setting in the context"


BAD_TEMPLATE = """
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Name</dt></div>
<table class="govuk-table"></table>
<strong class="govuk-tag govuk-tag--red">Overdue</strong>
<a href="/" class="govuk-back-link">Back</a>
<nav class="govuk-pagination" aria-label="Pagination"></nav>
{% if providers|length == 500 %}, the first 500{% endif %}
{% if year.remaining <= 5 %}near{% endif %}{% elif count > list_limit %}{% endif %}
"""


def test_each_rule_catches_its_bad_example():
    assert hand_typed_components(BAD_TEMPLATE) == list(HAND_TYPED)
    assert figures_in_comparisons(BAD_TEMPLATE) == ["{% if providers|length == 500 %}"]
