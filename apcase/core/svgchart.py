"""Charts drawn server-side by matplotlib's SVG backend (no Agg, no pyplot, no
JavaScript) and made safe to inline under the site's content security policy, which
allows no inline styles: every ``style`` attribute becomes presentation attributes and
the ``<style>`` element is dropped. See docs/adr/0008-charts-with-matplotlib-svg.md."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET  # nosec B405 - parses only matplotlib's own output
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


@cache
def _matplotlib() -> Any:
    """matplotlib, imported on the first chart rather than when the app starts: it
    takes about a second to import, which every process (each worker, each management
    command) would otherwise pay whether or not it draws a chart."""
    import matplotlib  # noqa: PLC0415 - deliberately lazy, see above
    import matplotlib.figure  # noqa: PLC0415

    # One pixel per point, text left as <text> (the page's font, readable by tools), and
    # ids that do not change from one drawing to the next.
    matplotlib.rcParams.update(
        {"svg.fonttype": "none", "svg.hashsalt": "apcase", "figure.dpi": 72, "savefig.dpi": 72}
    )
    return matplotlib


def matplotlib_ready() -> None:
    """Import matplotlib now (apcase/core/slow_imports.py), set up as charts need it."""
    _matplotlib()


_URL_REF = re.compile(r"url\(#([^)]+)\)")


def new_figure(width: int, height: int) -> Figure:
    """A figure measured in pixels (the SVG backend writes 72 units an inch)."""
    figure: Figure = _matplotlib().figure.Figure(figsize=(width / 72, height / 72), dpi=72)
    return figure


def whole_number_ticks(axis: Any) -> None:
    """Ticks on whole numbers only, for an axis of counts."""
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - lazy, see _matplotlib

    axis.set_major_locator(MaxNLocator(integer=True))


def _to_attributes(element: ET.Element) -> None:
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name or name == "font-family":
            continue  # the text takes the page's font
        element.set(name, value)


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    href = f"{{{XLINK_NS}}}href"
    for element in root.iter():
        if "id" in element.attrib:
            element.set("id", f"{prefix}-{element.get('id')}")
        for name, value in list(element.attrib.items()):
            if name == href:
                # SVG 2's plain href: no xlink prefix to depend on.
                del element.attrib[name]
                element.set("href", f"#{prefix}-{value[1:]}" if value.startswith("#") else value)
            elif "url(#" in value:
                element.set(name, _URL_REF.sub(rf"url(#{prefix}-\1)", value))


def render_svg(figure: Figure, *, prefix: str, title: str) -> str:
    """The figure as an inline ``<svg role="img">`` named by its ``<title>``, with ids
    prefixed so two charts on one page do not collide."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    # Parsing matplotlib's own output, never input from outside.
    root = ET.fromstring(buffer.getvalue())  # noqa: S314  # nosec B314
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
    for element in root.iter():
        _to_attributes(element)
    _prefix_ids(root, prefix)
    width, height = (round(float(v)) for v in root.get("viewBox", "0 0 0 0").split()[2:])
    root.set("width", str(width))
    root.set("height", str(height))
    root.set("role", "img")
    root.set("class", "apcase-chart")
    root.set("aria-labelledby", f"{prefix}-title")
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    title_element.text = title
    root.insert(0, title_element)
    # ElementTree escapes every text and attribute value it writes; the templates that
    # show it are reviewed uses of |safe (tests/test_static_rules.py).
    # Plain tag names and an explicit xmlns: another library (qrcode) registers "svg" as
    # a prefix for the SVG namespace, which would otherwise turn <svg> into <svg:svg>.
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")
