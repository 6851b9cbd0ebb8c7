"""Every page a home page links to for the rest of a long list ("All 31 open
follow-ups": core.attention.all_listed_at) is in the browser accessibility sweep of
full lists (tests/e2e/test_accessibility.py, FULL_LISTS): a page added for a capped
list is a new page a user reaches, and must be checked like every other (WCAG 2.2 AA)."""

import ast
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
# Pages the sweep's crawl of each demo account reaches by a link shown whatever the
# list's length, so FULL_LISTS need not name them.
CRAWLED = {"monitoring:tasks": "linked from each follow-up's close page"}


def _pages_listing_the_rest() -> dict[str, str]:
    """{URL name: file} for each `all_listed_at(what, reverse("name"), ...)` in the code."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "apcase").rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "all_listed_at"):
                continue
            href = node.args[1]
            unnamed = f"{path}: all_listed_at's page is not reverse('a URL name'); name it so"
            assert isinstance(href, ast.Call), unnamed
            assert getattr(href.func, "id", "") == "reverse", unnamed
            assert isinstance(href.args[0], ast.Constant), unnamed
            found[href.args[0].value] = str(path.relative_to(ROOT))
    return found


def _swept_paths() -> set[str]:
    tree = ast.parse((ROOT / "tests/e2e/test_accessibility.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "FULL_LISTS" for t in node.targets
        ):
            return {path for _account, path, _heading in ast.literal_eval(node.value)}
    raise AssertionError("tests/e2e/test_accessibility.py has no FULL_LISTS")


def test_every_page_a_home_page_links_to_for_the_rest_of_a_list_is_swept():
    pages = _pages_listing_the_rest()
    assert "monitoring:in_ap_today" in pages  # the walk finds them
    swept = _swept_paths()
    missing = {
        name: where
        for name, where in pages.items()
        if reverse(name) not in swept and name not in CRAWLED
    }
    assert missing == {}, f"not in FULL_LISTS of tests/e2e/test_accessibility.py: {missing}"
