"""The pupil list at an LA's scale: in name order a page of PAGE_SIZE at a time (it used
to stop at the first 500), the search kept on every page's link, any bad `?page=`
answered with a page, as many queries for 120 pupils as for 3, and the download still
holding every pupil the search found."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.core.pagination import PAGE_SIZE
from apcase.pupils.tests.factories import PupilFactory
from conftest import Role
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

URL = reverse("pupils:list")
MANY = PAGE_SIZE * 2 + 20


def _pupils(world, count: int, first_name: str = "Pager", start: int = 0) -> None:
    for n in range(start, start + count):
        PupilFactory(school=world.school, legal_first_name=first_name, legal_last_name=f"N{n:03d}")


def _names(html: str) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'href="/pupils/\d+/">([^<]+)</a>', body)


def test_the_pupils_come_a_page_at_a_time_in_name_order_with_the_search_kept(world, client_for):
    client = client_for(Role.INCLUSION_LEAD)
    _pupils(world, MANY)
    PupilFactory(school=world.school, legal_first_name="Other", legal_last_name="Zed")
    pages = []
    for number in (1, 2, 3):
        response = client.get(URL, {"q": "Pager", "page": number})
        html = assert_page(response, contains=f"of {MANY} pupils", lacks="Other Zed")
        pages.append(_names(html))
    assert [len(page) for page in pages] == [PAGE_SIZE, PAGE_SIZE, MANY - 2 * PAGE_SIZE]
    assert [name for page in pages for name in page] == [f"Pager N{n:03d}" for n in range(MANY)]
    second = client.get(URL, {"q": "Pager", "page": 2}).content.decode()
    assert f"Showing {PAGE_SIZE + 1} to {2 * PAGE_SIZE} of {MANY} pupils" in second
    assert 'href="?q=Pager&amp;page=1" rel="prev"' in second
    assert 'href="?q=Pager&amp;page=3" rel="next"' in second
    assert 'aria-current="page">2</a>' in second
    assert 'href="/pupils/export.csv?q=Pager"' in second


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 1), ("99999", 2), ("", 1)])
def test_a_bad_page_number_shows_the_first_or_last_page(world, client_for, page, shown):
    _pupils(world, PAGE_SIZE + 1)
    html = assert_page(client_for(Role.INCLUSION_LEAD).get(URL, {"page": page}))
    assert f'aria-current="page">{shown}</a>' in html


def _queries(client, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert_page(client.get(URL, query))
    return len(queries)


def test_the_list_reads_as_many_queries_for_120_pupils_as_for_3(world, client_for):
    client = client_for(Role.INCLUSION_LEAD)
    _pupils(world, 3)
    assert_page(client.get(URL))  # warm the session and membership caches
    few = _queries(client, {})
    _pupils(world, 117, start=3)
    assert _queries(client, {}) == few
    assert _queries(client, {"page": "3"}) == few


def test_the_download_holds_every_page(world, client_for):
    client = client_for(Role.INCLUSION_LEAD)
    _pupils(world, PAGE_SIZE + 5)
    response = client.get(reverse("pupils:export"), {"q": "Pager", "page": "2"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 + PAGE_SIZE + 5
