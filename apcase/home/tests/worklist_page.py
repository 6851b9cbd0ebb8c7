"""Read a home page's work list as a user sees it: under each role heading (h2), each
list (h3) with its items' link text and where each link goes."""

from html.parser import HTMLParser


class _WorkListReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._role = ""
        self._list = ""
        self._capture: str | None = None  # "h2", "h3" or "a"
        self._text: list[str] = []
        self._href = ""
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"h2", "h3"}:
            self._capture, self._text = tag, []
        elif tag == "span" and "govuk-caption-m" in (values.get("class") or ""):
            self._in_caption = True
        elif tag == "a" and self._list and self._capture is None:
            self._capture, self._text, self._href = "a", [], values.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._in_caption = False
        if tag != self._capture:
            return
        text = " ".join("".join(self._text).split())
        if tag == "h2":
            self._role, self._list = text, ""
        elif tag == "h3":
            self._list = text
            self.found.setdefault(self._role, {}).setdefault(text, [])
        else:
            self.found[self._role][self._list].append((text, self._href))
        self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture and not self._in_caption:
            self._text.append(data)


def work_list(html: str) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """{role heading: {list heading: [(link text, href)]}} of the page's work list."""
    main = html.split("<main", 1)[1].split('<h2 class="govuk-heading-m">Your organisations')[0]
    reader = _WorkListReader()
    reader.feed(main)
    return reader.found
