"""The panel meetings page after years of monthly meetings: the upcoming ones in full,
soonest first, and the past ones latest first a page of PAGE_SIZE at a time (the GOV.UK
pagination), in as many queries for 120 past meetings as for 3."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apcase.accounts.roles import Role
from apcase.core.pagination import PAGE_SIZE
from apcase.panel.models import PanelMeeting
from apcase.referrals.tests.factories import make_panel, person
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

URL = reverse("panel:meeting_list")


def _meetings(world, officer, days_ago: range) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel(world.la)
    today = timezone.localdate()
    PanelMeeting.objects.bulk_create(
        PanelMeeting(
            panel=panel,
            date=today - datetime.timedelta(days=n),
            venue="Civic Offices",
            scheduled_by=officer,
            status=PanelMeeting.Status.HELD,
        )
        for n in days_ago
    )


def _dates(html: str, caption: str) -> list[str]:
    table = html.split(caption, 1)[1].split("</table>", 1)[0]
    return re.findall(r'href="/panel/meetings/\d+/">([^<]+)</a>', table)


def test_past_meetings_come_a_page_at_a_time_latest_first(world):
    officer = person(Role.LA_OFFICER, world.la)
    _meetings(world, officer, range(1, PAGE_SIZE + 11))
    upcoming = PanelMeeting.objects.create(
        panel=make_panel(world.la),
        date=timezone.localdate() + datetime.timedelta(days=20),
        venue="Civic Offices",
        scheduled_by=officer,
    )
    client = sign_in(Client(), officer)
    first = assert_page(client.get(URL), contains=f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 10}")
    today = timezone.localdate()

    def shown(n: int) -> str:
        return f"{today - datetime.timedelta(days=n):%A %-d %B %Y}"

    assert _dates(first, "Past meetings") == [shown(n) for n in range(1, PAGE_SIZE + 1)]
    assert _dates(first, "Upcoming meetings") == [f"{upcoming.date:%A %-d %B %Y}"]
    second = assert_page(client.get(URL, {"page": "2"}))
    assert _dates(second, "Past meetings") == [
        shown(n) for n in range(PAGE_SIZE + 1, PAGE_SIZE + 11)
    ]
    assert 'href="?page=1" rel="prev"' in second
    assert _dates(second, "Upcoming meetings") == [f"{upcoming.date:%A %-d %B %Y}"]
    assert_page(client.get(URL, {"page": "-1"}), contains=f"Showing 1 to {PAGE_SIZE}")


def test_the_page_reads_as_many_queries_for_120_past_meetings_as_for_3(world):
    officer = person(Role.LA_OFFICER, world.la)
    client = sign_in(Client(), officer)
    _meetings(world, officer, range(1, 4))
    assert_page(client.get(URL))

    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            assert_page(client.get(URL))
        return len(done)

    few = queries()
    _meetings(world, officer, range(4, 121))
    assert queries() == few
