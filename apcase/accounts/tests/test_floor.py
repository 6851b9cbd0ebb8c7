"""The signed-in floor: what every signed-in page costs before its own work. A page
reads the session, the user, their second-factor device, their roles now and their
unread alerts, each once; it writes the session only to restart its idle clock, at
most once a minute (docs/adr/0014)."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.roles import Role
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'^SELECT .*? FROM "(\w+)"')


def _tables_read(client) -> Counter[str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert_page(client.get(reverse("accessibility")), contains="Pupils")
    read = Counter[str]()
    for query in queries.captured_queries:
        found = TABLE.match(query["sql"])
        read[found.group(1) if found else query["sql"][:60]] += 1
    return read


def test_a_signed_in_page_reads_each_thing_a_request_needs_once(client_for):
    client = client_for(Role.INCLUSION_LEAD)
    client.get(reverse("accessibility"))  # the first request restarts the idle clock
    assert _tables_read(client) == {
        "django_session": 1,
        "accounts_user": 1,
        "otp_totp_totpdevice": 1,  # django-otp checks the device on every request
        "accounts_membership": 1,  # roles now, for the navigation
        "notifications_notification": 1,  # the header's unread count
    }
