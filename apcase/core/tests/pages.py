"""Read a rendered page the way a user would: its title, headings, navigation and text."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.http import HttpResponse


@dataclass
class Page:
    title: str = ""
    h1: list[str] = field(default_factory=list)
    navigation: list[str] = field(default_factory=list)
    text: str = ""
    html: str = ""

    def has_text(self, words: str) -> bool:
        return " ".join(words.split()) in self.text


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._stack: list[tuple[str, set[str]]] = []
        self._text: list[str] = []
        self._capture: list[str] | None = None
        self._capture_tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if tag in {"br", "meta", "link", "input", "img", "hr"}:
            return
        self._stack.append((tag, classes))
        if tag in {"title", "h1"} or "govuk-service-navigation__link" in classes:
            in_list = any(t == "ul" for t, _ in self._stack)
            if tag != "a" or in_list:
                self._capture, self._capture_tag = [], tag

    def handle_endtag(self, tag: str) -> None:
        if self._capture is not None and tag == self._capture_tag:
            captured = " ".join("".join(self._capture).split())
            if tag == "title":
                self.page.title = captured
            elif tag == "h1":
                self.page.h1.append(captured)
            else:
                self.page.navigation.append(captured)
            self._capture = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(t in {"script", "style", "title"} for t, _ in self._stack):
            if self._capture is not None:
                self._capture.append(data)
            return
        self._text.append(data)
        if self._capture is not None:
            self._capture.append(data)


def read(response: HttpResponse) -> Page:
    html = response.content.decode()
    reader = _Reader()
    reader.feed(html)
    reader.page.text = re.sub(r"\s+", " ", " ".join(reader._text))
    reader.page.html = html
    return reader.page
