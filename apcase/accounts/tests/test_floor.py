"""The signed-in floor: what every signed-in page costs before its own work. A page
reads the session, the user with their unread alerts' count (one query: the sign-in
backend's), their second-factor device and their roles now, each once; it writes the
session only to restart its idle clock, at most once a minute (docs/adr/0014)."""

import re
from collections import Counter

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import UserFactory
from apcase.notifications.models import Notification
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'^SELECT .* FROM "(\w+)"')  # the outer query's table


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
        "accounts_user": 1,  # with the header's unread count as a subquery
        "otp_totp_totpdevice": 1,  # django-otp checks the device on every request
        "accounts_membership": 1,  # roles now, for the navigation
    }


def test_the_unread_count_is_read_with_the_account_and_fresh_on_every_page(client_for):
    client = client_for(Role.INCLUSION_LEAD)
    assert " unread<" not in assert_page(client.get(reverse("accessibility")))

    for person in (client.user, client.user, UserFactory()):  # the last someone else's
        Notification.objects.create(recipient=person, subject="Alert", body="Body", link="/")

    page = assert_page(client.get(reverse("accessibility")))
    assert 'apcase-header__count">2<span class="govuk-visually-hidden"> unread' in page

    response = client.post(reverse("notifications_read"))
    assert response.status_code == 302
    assert " unread<" not in assert_page(client.get(reverse("accessibility")))


def test_a_session_begun_with_djangos_own_backend_signs_in_again(client_for):
    client = client_for(Role.INCLUSION_LEAD)
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_signed_in_page_is_given_the_account_itself_checked_as_before(client_for):
    """ResolvedUserMiddleware: the view and the templates read the account itself, not
    Django's and django-otp's lazy wrappers around it, and it is the session's account
    with its second factor checked."""
    client = client_for(Role.INCLUSION_LEAD)

    response = client.get(reverse("pupils:list"))

    assert_page(response, contains=["Pupils", client.user.full_name])
    user = response.wsgi_request.user
    assert type(user) is User
    assert user.pk == client.user.pk
    assert user.is_verified()


def test_a_request_with_no_session_is_given_an_anonymous_user(client):
    response = client.get(reverse("accessibility"))

    assert_page(response, lacks="Sign out")
    assert not response.wsgi_request.user.is_authenticated
    assert not response.wsgi_request.user.is_verified()


# Each check the signed-in floor keeps takes effect on the very next request: what
# changed, and where that request is sent.
def _deactivate_account(client) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(pk=client.user.pk).update(is_active=False)


def _change_password(client) -> None:  # type: ignore[no-untyped-def]
    client.user.set_password("a-new-password-of-some-length")
    client.user.save()


def _remove_device(client) -> None:  # type: ignore[no-untyped-def]
    client.user.totpdevice_set.all().delete()


def _end_role(client) -> None:  # type: ignore[no-untyped-def]
    client.user.memberships.update(is_active=False)


@pytest.mark.parametrize(
    ("change", "status", "sent_to"),
    [
        (_deactivate_account, 302, "accounts:login"),
        (_change_password, 302, "accounts:login"),
        (_remove_device, 302, "accounts:two_factor"),
        (_end_role, 403, None),
    ],
)
def test_each_check_takes_effect_on_the_very_next_request(client_for, change, status, sent_to):
    client = client_for(Role.INCLUSION_LEAD)
    assert_page(client.get(reverse("pupils:list")), contains="Pupils")
    client.get(reverse("pupils:list"))  # a request within the minute writes no session

    change(client)
    response = client.get(reverse("pupils:list"))

    assert response.status_code == status
    if sent_to is not None:
        assert response["Location"].startswith(reverse(sent_to))
