"""The provider reaches each placed pupil's monitoring, check-ins and plan from the
pupil page it sees."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.roles import Role
from apcase.placements.models import Placement
from apcase.placements.tests.factories import make_placement
from apcase.referrals.tests.factories import make_pupil, person
from conftest import sign_in
from tests.helpers import assert_page


@pytest.mark.parametrize("role", [Role.PROVIDER_MANAGER, Role.PROVIDER_STAFF])
def test_the_providers_pupil_page_links_to_the_plan_monitoring_and_check_in(role, world):
    placement = make_placement(
        world.school, world.provider, pupil=make_pupil(world.school, legal_first_name="Noor")
    )
    client = sign_in(Client(), person(role, world.provider))

    response = client.get(reverse("pupils:detail", args=[placement.pupil_id]))

    assert_page(response, contains=[f"Placement at {world.provider}", "Placement plan"])
    html = response.content.decode()
    for url in [
        reverse("placements:detail", args=[placement.pk]),
        reverse("monitoring:placement", args=[placement.pk]),
        reverse("monitoring:check_in", args=[placement.pk]),
    ]:
        assert f'href="{url}"' in html, url
        assert_page(client.get(url))


def test_another_providers_placement_of_the_pupil_is_not_linked(world):
    pupil = make_pupil(world.school)
    ours = make_placement(world.school, world.provider, pupil=pupil)
    theirs = make_placement(
        world.school,
        world.other_provider,
        pupil=pupil,
        status=Placement.Status.ENDED,
        start_date=datetime.date(2026, 1, 5),
        ended_on=datetime.date(2026, 3, 27),
    )
    client = sign_in(Client(), person(Role.PROVIDER_MANAGER, world.provider))

    html = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()

    assert reverse("monitoring:placement", args=[ours.pk]) in html
    assert reverse("monitoring:placement", args=[theirs.pk]) not in html
