"""The named staff member of a pupil's placement reads that pupil's chronology; other
staff do not, and nor does the named staff member once they have left the school."""

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page


@pytest.fixture
def named(world):
    staff = person(Role.SCHOOL_STAFF, world.school, full_name="Tom Ellery")
    placement = make_placement(
        world.school,
        world.provider,
        pupil=make_pupil(world.school, legal_first_name="Noor"),
        named_staff_member=staff,
    )
    return staff, placement.pupil


@pytest.mark.parametrize("url", ["pupils:chronology", "pupils:chronology_pdf"])
def test_the_named_staff_member_reads_the_chronology_of_their_pupil(url, named):
    staff, pupil = named
    client = sign_in(Client(), staff)

    response = client.get(reverse(url, args=[pupil.pk]))

    assert response.status_code == 200
    if url == "pupils:chronology":
        assert_page(response, contains="Chronology")


def test_the_pupil_page_links_the_named_staff_member_to_the_chronology(named):
    staff, pupil = named
    client = sign_in(Client(), staff)

    html = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()

    assert reverse("pupils:chronology", args=[pupil.pk]) in html


@pytest.mark.parametrize("url", ["pupils:chronology", "pupils:chronology_pdf"])
def test_other_staff_and_another_pupil_are_not_found(url, named, world):
    staff, pupil = named
    other_staff = person(Role.SCHOOL_STAFF, world.school)
    another = make_pupil(world.school, legal_first_name="Zed")

    assert_page(sign_in(Client(), other_staff).get(reverse(url, args=[pupil.pk])), status=404)
    assert_page(sign_in(Client(), staff).get(reverse(url, args=[another.pk])), status=404)


def test_the_named_staff_member_who_has_left_the_school_cannot_read_it(named):
    staff, pupil = named
    staff.memberships.update(is_active=False)

    response = sign_in(Client(), staff).get(reverse("pupils:chronology", args=[pupil.pk]))

    assert response.status_code in (403, 404)


def test_a_provider_is_refused_the_chronology(named, world):
    _, pupil = named
    client = sign_in(Client(), person(Role.PROVIDER_MANAGER, world.provider))

    assert_page(client.get(reverse("pupils:chronology", args=[pupil.pk])), status=403)
