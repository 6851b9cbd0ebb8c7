"""How pages lay out on a narrow screen: a status tag in a table stays one line high."""

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.e2e.conftest import ConsoleWatch, sign_in_by_cookie

pytestmark = pytest.mark.browser

# Each tag in a table cell: its words, its height, and the height of one line of it
# (the line height plus the tag's own padding and borders).
TAG_LINES = """() => Array.from(document.querySelectorAll(".govuk-table__cell .govuk-tag"))
  .map((tag) => {
    const style = getComputedStyle(tag);
    const px = (name) => parseFloat(style.getPropertyValue(name));
    return {
      text: tag.textContent.trim(),
      height: tag.getBoundingClientRect().height,
      oneLine: px("line-height") + px("padding-top") + px("padding-bottom")
        + px("border-top-width") + px("border-bottom-width"),
    };
  })"""

# A table 200px wide in the page, with the longest words a tag here carries: GOV.UK
# Frontend's own styles would wrap them over three lines.
NARROW_TABLE = """() => {
  const table = document.createElement("table");
  table.className = "govuk-table";
  table.style.width = "200px";
  table.innerHTML = '<tbody class="govuk-table__body"><tr class="govuk-table__row">'
    + '<td class="govuk-table__cell">Part-time timetable</td>'
    + '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--red">'
    + 'Not on a part-time timetable</strong></td></tr></tbody>';
  document.querySelector("main").prepend(table);
}"""


def test_a_status_tag_in_a_narrow_table_is_one_line_high(
    context: BrowserContext, page: Page, demo_site: str, console: ConsoleWatch
):
    sign_in_by_cookie(context, demo_site, "inclusion.lead@heronsgate.example")
    page.set_viewport_size({"width": 320, "height": 800})
    response = page.goto(f"{demo_site}/oversight/board/")
    assert response is not None
    assert response.status == 200
    page.evaluate(NARROW_TABLE)
    tags = page.evaluate(TAG_LINES)
    assert len(tags) > 5, tags  # the board's tags, and the narrow table's
    assert "Not on a part-time timetable" in [tag["text"] for tag in tags]
    for tag in tags:
        assert abs(tag["height"] - tag["oneLine"]) < 1, tag
    assert console.csp_errors() == []
