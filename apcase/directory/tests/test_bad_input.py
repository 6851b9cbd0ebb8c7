"""Issue 9, bad input: the provider search and filters take any text a user (or a
crafted link) sends. Unicode digits ("²" is a digit to str.isdigit but not to int()),
numbers too big for the URN column, and values not among the choices give the list
with a message, never a 500; a search that is not a URN is searched as a name."""

import pytest

from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import ProviderFactory
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db
LIST_URL = "/providers/"


@pytest.fixture
def officer(world, client_for):  # type: ignore[no-untyped-def]
    world.provider.urn = 990002
    world.provider.establishment_type_code = 14
    world.provider.establishment_type = "Pupil referral unit"
    world.provider.save()
    return client_for(Role.LA_OFFICER)


@pytest.mark.parametrize("text", ["²", "99000²", "١٢٣", "９９０００２", "9" * 20, "0" * 30])
def test_a_search_in_unicode_or_huge_digits_is_searched_as_text(officer, text):
    response = officer.get(LIST_URL, {"q": text})
    assert_page(response, lacks="Milton Keynes Primary Referral Unit")


def test_a_name_containing_a_superscript_is_found_by_it(world, officer):
    ProviderFactory(name="Learning² Centre", local_authority=world.la)
    response = officer.get(LIST_URL, {"q": "²"})
    assert_page(response, contains="Learning² Centre")


def test_a_plain_urn_still_finds_its_provider(officer):
    response = officer.get(LIST_URL, {"q": "990002"})
    assert_page(response, contains="Milton Keynes Primary Referral Unit")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("type", "²"),
        ("type", "١٤"),
        ("type", "99999999999999999999"),
        ("type", "abc"),
        ("assurance", "²"),
        ("service", "١"),
        ("registration", "²"),
    ],
)
def test_a_filter_value_not_among_the_choices_gives_a_message_not_a_500(officer, name, value):
    response = officer.get(LIST_URL, {name: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"“{value}” is not one of the choices, so that filter was not applied" in page
    assert "Milton Keynes Primary Referral Unit" in page  # the unfiltered list


def test_a_listed_type_still_filters(world, officer):
    ProviderFactory(name="Another Centre", local_authority=world.la, establishment_type_code=38)
    page = officer.get(LIST_URL, {"type": "14"}).content.decode()
    assert "Milton Keynes Primary Referral Unit" in page
    assert "Another Centre" not in page
    assert "not one of the choices" not in page


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999"])
def test_the_provider_form_refuses_unicode_and_huge_numbers_with_a_message(world, officer, value):
    response = officer.post(
        "/providers/add/",
        {
            "name": "New Centre",
            "registration": "unregistered",
            "ukprn": value,
            "age_from": value,
            "capacity": value,
        },
    )
    assert_page(response, contains="govuk-error-summary")


@pytest.mark.parametrize(
    "url",
    [
        "/providers/99999999999999999999/",
        "/providers/99999999999999999999/change/",
        "/providers/1/assurance/99999999999999999999/evidence/",
    ],
)
def test_an_id_too_big_for_the_database_is_not_found(officer, url):
    assert officer.get(url).status_code == 404


def test_a_nul_in_the_provider_search_is_not_an_error_page(world):
    from django.test import Client
    from django.urls import reverse

    from apcase.accounts.roles import Role
    from apcase.referrals.tests.factories import person
    from conftest import sign_in

    officer = person(Role.LA_OFFICER, world.la)
    response = sign_in(Client(), officer).get(
        reverse("directory:provider_list"), {"q": "Mil\x00ton"}
    )
    assert response.status_code == 200
