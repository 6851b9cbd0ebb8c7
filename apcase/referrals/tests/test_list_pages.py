"""The referrals page at an LA's scale: the open referrals by default (a select and a
"Show" button choose closed ones or all, without JavaScript), a page of PAGE_SIZE at a
time with the GOV.UK pagination, the filter kept on every link, any bad `?page=` or
`?status=` answered with a page, and as many queries for 120 referrals as for 3."""

import itertools
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.core.pagination import PAGE_SIZE
from apcase.pupils.models import Pupil
from apcase.referrals import selectors, workflow
from apcase.referrals.models import Referral
from apcase.referrals.tests.factories import make_panel, person
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

S = Referral.Status
URL = reverse("referrals:list")
_upn = itertools.count(1)


def _referrals(world, count: int, status: str = S.DRAFT, prefix: str = "Open") -> None:
    """`count` referrals of `world.school`, one pupil each, named `prefix` 000, 001, ..."""
    panel = make_panel(world.la)
    lead = person(Role.INCLUSION_LEAD, world.school)
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=world.school,
            upn=f"P{next(_upn):012d}",
            legal_first_name=prefix,
            legal_last_name=f"{n:03d}",
            date_of_birth="2016-03-04",
        )
        for n in range(count)
    )
    Referral.objects.bulk_create(
        Referral(pupil=p, school=world.school, panel=panel, created_by=lead, status=status)
        for p in pupils
    )


def _names(html: str) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'href="/referrals/\d+/">([^<]+)</a>', body)


@pytest.fixture
def client(world):
    return sign_in(Client(), person(Role.INCLUSION_LEAD, world.school))


def test_open_is_every_status_the_workflow_can_still_move():
    still_moving = {
        S.DRAFT, S.SUBMITTED, S.SCHEDULED, S.DEFERRED, S.MORE_INFORMATION, S.APPROVED, S.DECLINED
    }  # fmt: skip
    assert still_moving == selectors.OPEN_STATUSES
    assert all(not workflow.ALLOWED_TRANSITIONS[s] for s in set(S) - selectors.OPEN_STATUSES)


def test_the_page_shows_open_referrals_unless_asked_for_closed_ones_or_all(world, client):
    _referrals(world, 2, S.SUBMITTED, "Waiting")
    _referrals(world, 1, S.WITHDRAWN, "Withdrawn")
    _referrals(world, 1, S.CLOSED, "Closed")
    assert_page(
        client.get(URL),
        contains=["2 open referrals", "Waiting 000", "Waiting 001", 'value="open" selected'],
        lacks=["Withdrawn", "Closed 000"],
    )
    assert_page(
        client.get(URL, {"status": "closed"}),
        contains=["2 closed or withdrawn referrals", "Withdrawn 000", "Closed 000"],
        lacks="Waiting",
    )
    assert_page(
        client.get(URL, {"status": "all"}),
        contains=["4 referrals", "Waiting 000", "Withdrawn 000", "Closed 000"],
    )


@pytest.mark.parametrize("status", ["nonsense", "", "OPEN", "closed\x00", "<script>"])
def test_a_status_not_offered_shows_the_open_referrals(world, client, status):
    _referrals(world, 1, S.DRAFT, "Drafted")
    _referrals(world, 1, S.CLOSED, "Closed")
    assert_page(
        client.get(URL, {"status": status}),
        contains=["1 open referral", "Drafted 000"],
        lacks="Closed 000",
    )


def test_the_referrals_come_a_page_at_a_time_with_the_filter_kept(world, client):
    _referrals(world, PAGE_SIZE * 2 + 5, S.CLOSED, "Closed")
    _referrals(world, 1, S.DRAFT, "Drafted")
    first = client.get(URL, {"status": "closed"})
    html = first.content.decode()
    assert_page(first, contains=f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE * 2 + 5} closed")
    assert '<nav class="govuk-pagination" aria-label="Pagination">' in html
    assert 'href="?status=closed&amp;page=2" rel="next"' in html
    assert len(_names(html)) == PAGE_SIZE
    pages = [_names(html)]
    for number in (2, 3):
        response = client.get(URL, {"status": "closed", "page": number})
        pages.append(_names(assert_page(response, contains="Closed")))
    html = response.content.decode()
    assert 'href="?status=closed&amp;page=2" rel="prev"' in html
    assert 'aria-current="page">3</a>' in html
    seen = [name for page in pages for name in page]
    assert [len(page) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert sorted(seen) == [f"Closed {n:03d}" for n in range(PAGE_SIZE * 2 + 5)]
    assert "Drafted" not in str(seen)


@pytest.mark.parametrize(
    ("page", "shown"), [("abc", 1), ("0", 1), ("-3", 1), ("1e3", 1), ("99999", 2), ("2", 2)]
)
def test_a_bad_page_number_shows_the_first_or_last_page(world, client, page, shown):
    _referrals(world, PAGE_SIZE + 1)
    html = assert_page(client.get(URL, {"page": page}), contains="Open")
    assert f'aria-current="page">{shown}</a>' in html


def _queries(client: Client, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert_page(client.get(URL, query))
    return len(queries)


@pytest.mark.parametrize("role", [Role.INCLUSION_LEAD, Role.LA_OFFICER])
def test_the_page_reads_as_many_queries_for_120_referrals_as_for_3(world, role):
    client = sign_in(
        Client(), person(role, world.school if role == Role.INCLUSION_LEAD else world.la)
    )
    _referrals(world, 3, S.SUBMITTED, "Few")
    _queries(client, {})  # the first request after signing in restarts the idle clock
    few = _queries(client, {})
    _referrals(world, 117, S.SUBMITTED, "More")
    assert _queries(client, {}) == few
    assert _queries(client, {"page": "2"}) == few


def test_the_download_link_carries_the_filter_and_holds_every_page(world, client):
    _referrals(world, PAGE_SIZE + 2, S.WITHDRAWN, "Withdrawn")
    _referrals(world, 1, S.DRAFT, "Drafted")
    html = client.get(URL, {"status": "closed", "page": "2"}).content.decode()
    assert 'href="/referrals/export.csv?status=closed"' in html
    assert "every referral of this list, on all its pages" in html
    response = client.get(reverse("referrals:export"), {"status": "closed"})
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 1 + PAGE_SIZE + 2
    assert "Drafted" not in "".join(rows)


def test_a_referral_shows_its_meeting_day_or_that_none_is_scheduled(world):
    """The "Panel meeting" column: the day in the GOV.UK style, or "Not yet scheduled"."""
    import datetime

    from apcase.referrals.tests.factories import make_meeting

    _referrals(world, 2)
    first, second = Referral.objects.order_by("pk")
    meeting = make_meeting(make_panel(world.la), date=datetime.date(2026, 12, 1))
    Referral.objects.filter(pk=first.pk).update(meeting=meeting)
    client = sign_in(Client(), person(Role.INCLUSION_LEAD, world.school))
    html = assert_page(client.get(URL))
    rows = html.split("<tbody", 1)[1].split("</tbody>", 1)[0].split("</tr>")
    row_of = {pk: next(r for r in rows if f"/referrals/{pk}/" in r) for pk in (first.pk, second.pk)}
    assert '<td class="govuk-table__cell">1 December 2026</td>' in row_of[first.pk]
    assert "Not yet scheduled" in row_of[second.pk]
