"""The DSL's concern list at an LA's scale: newest first, a page of PAGE_SIZE at a
time with the GOV.UK pagination, the filters kept on every link, a bad `?page=`
answered with a page, as many queries for 120 concerns as for 3, and one access-log
row per list read."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.chronology.models import AccessLogEntry
from apcase.core.pagination import PAGE_SIZE
from apcase.referrals.tests.factories import person
from apcase.safeguarding.models import Concern
from apcase.safeguarding.tests.factories import category, placed_pupil
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

URL = reverse("safeguarding:list")


def _concerns(world, count: int, reporter) -> None:  # type: ignore[no-untyped-def]
    pupil = placed_pupil(world.school, world.provider).pupil
    now = timezone.now()
    Concern.objects.bulk_create(
        Concern(
            pupil=pupil,
            school=world.school,
            reporter_organisation=world.school,
            reported_by=reporter,
            occurred_at=now - datetime.timedelta(days=1),
            recorded_at=now - datetime.timedelta(minutes=n),
            category=category(),
            account=f"Account number {n:03d}.",
        )
        for n in range(count)
    )


def _ids(html: str) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'href="/concerns/(\d+)/"', body)


@pytest.fixture
def dsl(world):  # type: ignore[no-untyped-def]
    return person(Role.SCHOOL_DSL, world.school)


def test_the_concerns_come_a_page_at_a_time_newest_first_with_the_filter_kept(world, dsl):
    _concerns(world, PAGE_SIZE * 2 + 3, dsl)
    client = sign_in(Client(), dsl)
    newest_first = [
        str(pk) for pk in Concern.objects.order_by("-recorded_at").values_list("pk", flat=True)
    ]
    pages = []
    for number in (1, 2, 3):
        response = client.get(URL, {"status": "new", "page": number})
        pages.append(_ids(assert_page(response, contains=f"of {PAGE_SIZE * 2 + 3} concerns")))
    assert [len(page) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 3]
    assert [pk for page in pages for pk in page] == newest_first
    html = client.get(URL, {"status": "new", "page": 2}).content.decode()
    assert 'href="?status=new&amp;page=3" rel="next"' in html
    assert 'aria-current="page">2</a>' in html
    assert AccessLogEntry.objects.filter(action="safeguarding.concern_list_viewed").count() == 4


@pytest.mark.parametrize(("page", "shown"), [("x", 1), ("0", 1), ("99999", 2)])
def test_a_bad_page_number_shows_the_first_or_last_page(world, dsl, page, shown):
    _concerns(world, PAGE_SIZE + 1, dsl)
    html = assert_page(sign_in(Client(), dsl).get(URL, {"page": page}))
    assert f'aria-current="page">{shown}</a>' in html


def test_the_list_reads_as_many_queries_for_120_concerns_as_for_3(world, dsl):
    client = sign_in(Client(), dsl)
    _concerns(world, 3, dsl)
    assert_page(client.get(URL))

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert_page(client.get(URL))
        return len(done)

    few = queries()
    _concerns(world, 117, dsl)
    assert queries() == few
