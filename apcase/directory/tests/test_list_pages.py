"""The provider directory after a national GIAS import: it stopped at the first 500
("narrow the search"); now every provider is listed by name, a page of PAGE_SIZE at a
time, with the search kept on every link and as many queries for 120 as for 3."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.models import Organisation, OrganisationKind
from apcase.accounts.roles import Role
from apcase.core.pagination import PAGE_SIZE
from apcase.referrals.tests.factories import person
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

URL = reverse("directory:provider_list")


def _providers(world, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.PROVIDER,
            name=f"Listed Provider {n:03d}",
            local_authority=world.la,
        )
        for n in range(start, start + count)
    )


def _names(html: str) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r">(Listed Provider \d+)</a>", body)


def test_every_provider_is_listed_a_page_at_a_time_by_name_with_the_search_kept(world):
    _providers(world, 0, PAGE_SIZE * 2 + 7)
    client = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    pages = [
        _names(
            assert_page(client.get(URL, {"q": "Listed", "page": n}), contains="of 107 providers")
        )
        for n in (1, 2, 3)
    ]
    assert [name for page in pages for name in page] == [
        f"Listed Provider {n:03d}" for n in range(PAGE_SIZE * 2 + 7)
    ]
    html = client.get(URL, {"q": "Listed", "page": "2"}).content.decode()
    assert 'href="?q=Listed&amp;page=3" rel="next"' in html
    assert 'aria-current="page">2</a>' in html
    assert_page(client.get(URL, {"q": "Listed", "page": "abc"}), contains="Listed Provider 000")


def test_the_list_reads_as_many_queries_for_120_providers_as_for_3(world):
    client = sign_in(Client(), person(Role.LA_OFFICER, world.la))
    _providers(world, 0, 3)
    assert_page(client.get(URL))

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert_page(client.get(URL, {"q": "Listed"}))
        return len(done)

    few = queries()
    _providers(world, 3, 117)
    assert queries() == few
