"""The accounts pages word their durations from the settings that enforce them."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from apcase.accounts.templatetags.accounts_tags import duration_words
from tests.helpers import assert_page


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=72), "72 hours"),
        (timedelta(minutes=90), "90 minutes"),
        (None, ""),
    ],
)
def test_durations_in_words(duration, words):
    assert duration_words(duration) == words


@pytest.mark.django_db
@override_settings(PASSWORD_RESET_TIMEOUT=2 * 60 * 60)
def test_the_password_reset_page_states_the_links_lifetime_from_the_setting():
    response = Client().get(reverse("accounts:password_reset"))

    assert_page(response, contains="The link works for 2 hours.")
