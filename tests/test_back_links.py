"""Every page below the top level has a GOV.UK back link. The walk signs in as each
demo account and follows the links of every page it reaches from the home page, as the
accessibility sweep does (tests/e2e/test_accessibility.py) but with the test client. The
top level is the home page and what the header and footer link to (the service
navigation, the notification centre, the statements); every other page must offer a
way back."""

import io
import re
from collections import deque
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from apcase.accounts import demo
from apcase.accounts.models import User
from conftest import sign_in

pytestmark = pytest.mark.django_db

MAX_PAGES_PER_USER = 200
SKIP_PATHS = re.compile(r"^/(account/sign-out/|static/|no-direct-media/)")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".ics", ".zip", ".docx", ".png", ".jpg", ".svg")
ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"')
BACK_LINK = 'class="govuk-back-link"'


def pattern(url: str) -> str:
    """URLs that differ only in an id segment or in query values count as one page."""
    parts = urlsplit(url)
    path = "/".join("{id}" if ID_SEGMENT.match(s) else s for s in parts.path.split("/"))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def links(html: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        href = urldefrag(href.replace("&amp;", "&")).url
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if SKIP_PATHS.match(parts.path) or parts.path.endswith(SKIP_SUFFIXES):
            continue
        found.append(href)
    return found


def top_level(html: str) -> set[str]:
    """The home page and what its header and footer link to."""
    chrome = "".join(re.findall(r"<header\b.*?</header>|<footer\b.*?</footer>", html, re.S))
    return {"/"} | {urlsplit(link).path for link in links(chrome)}


def pages_without_a_back_link(client: Client) -> list[str]:
    home = client.get("/").content.decode()
    top = top_level(home)
    queue, seen, missing, visited = deque(["/"]), {pattern("/")}, [], 0
    while queue and visited < MAX_PAGES_PER_USER:
        url = queue.popleft()
        visited += 1
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        html = response.content.decode()
        if urlsplit(url).path not in top and BACK_LINK not in html:
            missing.append(url)
        main = html.split("<main", 1)[-1].split("</main>", 1)[0]
        for link in links(main):
            if pattern(link) not in seen:
                seen.add(pattern(link))
                queue.append(link)
    return missing


def test_every_page_below_the_top_level_has_a_back_link_for_every_demo_account():
    call_command("seed_demo", stdout=io.StringIO())
    missing: dict[str, str] = {}  # page pattern: who met it first, and where
    for account in demo.DEMO_ACCOUNTS:
        client = sign_in(Client(), User.objects.get(email=account.email))
        for url in pages_without_a_back_link(client):
            missing.setdefault(pattern(url), f"{url} ({account.email})")
    assert missing == {}, f"{len(missing)} page(s) without a back link:\n" + "\n".join(
        sorted(missing.values())
    )
