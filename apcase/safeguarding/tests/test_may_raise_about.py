"""Who may raise a concern about a pupil: `may_raise_about` answers a pupil of one of the
user's schools from the roles the request has already read, and asks the database
otherwise. For any roles (school, authority and provider ones, active or ended, at the
pupil's school, another school, the pupil's provider or another) and any placements of
the pupil (open or ended, at either provider) it answers as the rule it replaced:
whether the pupil is among `pupils_to_raise_concerns_about(user)`."""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from apcase.accounts.models import Membership, User
from apcase.accounts.roles import ROLES_BY_KIND, OrganisationKind, Role
from apcase.accounts.tests.factories import (
    LocalAuthorityFactory,
    ProviderFactory,
    SchoolFactory,
    UserFactory,
)
from apcase.placements.models import Placement
from apcase.placements.tests.factories import START, make_placement
from apcase.referrals.tests.factories import make_pupil, person
from apcase.safeguarding.selectors import may_raise_about, pupils_to_raise_concerns_about
from conftest import sign_in
from tests.helpers import assert_page

PLACES = ("school", "other_school", "provider", "other_provider", "la")
KIND = {
    "school": OrganisationKind.SCHOOL,
    "other_school": OrganisationKind.SCHOOL,
    "provider": OrganisationKind.PROVIDER,
    "other_provider": OrganisationKind.PROVIDER,
    "la": OrganisationKind.LOCAL_AUTHORITY,
}
memberships = st.lists(
    st.sampled_from(PLACES).flatmap(
        lambda place: st.tuples(
            st.just(place), st.sampled_from(sorted(ROLES_BY_KIND[KIND[place]])), st.booleans()
        )
    ),
    max_size=4,
    unique_by=lambda m: (m[0], m[1]),
)
# The pupil's open placement (one at most), then ended ones, by provider.
open_placement = st.none() | st.tuples(
    st.sampled_from(["provider", "other_provider"]),
    st.sampled_from([Placement.Status.PLANNED, Placement.Status.ACTIVE]),
)
ended = st.lists(st.sampled_from(["provider", "other_provider"]), max_size=2)


class TestMayRaiseAbout(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(memberships=memberships, open_placement=open_placement, ended=ended)
    def test_it_answers_as_the_pupils_a_user_may_raise_concerns_about(
        self, memberships, open_placement, ended
    ):
        la = LocalAuthorityFactory()
        orgs = {
            "school": SchoolFactory(local_authority=la),
            "other_school": SchoolFactory(local_authority=la),
            "provider": ProviderFactory(local_authority=la),
            "other_provider": ProviderFactory(local_authority=la),
            "la": la,
        }
        pupil = make_pupil(orgs["school"])
        for weeks_ago, place in enumerate(ended, start=1):
            start = START - datetime.timedelta(weeks=20 * weeks_ago)
            make_placement(
                orgs["school"],
                orgs[place],
                pupil=pupil,
                status=Placement.Status.ENDED,
                start_date=start,
                planned_end_date=start + datetime.timedelta(weeks=2),
                ended_on=start + datetime.timedelta(weeks=2),
            )
        if open_placement is not None:
            place, status = open_placement
            make_placement(orgs["school"], orgs[place], pupil=pupil, status=status)
        user = UserFactory()
        for place, role, active in memberships:
            Membership.objects.create(
                user=user, organisation=orgs[place], role=role, is_active=active
            )

        expected = pupils_to_raise_concerns_about(User.objects.get(pk=user.pk)).filter(pk=pupil.pk)
        assert may_raise_about(User.objects.get(pk=user.pk), pupil) == expected.exists()


def test_school_staff_are_offered_to_raise_a_concern_with_the_pupil_read_once(world):
    pupil = make_pupil(world.school)
    client = sign_in(Client(), person(Role.SCHOOL_STAFF, world.school))
    with CaptureQueriesContext(connection) as asked:
        response = client.get(reverse("pupils:detail", args=[pupil.pk]))
    assert_page(response, contains=reverse("safeguarding:raise", args=[pupil.pk]))
    reads = [q["sql"] for q in asked.captured_queries if 'FROM "pupils_pupil"' in q["sql"]]
    assert len(reads) == 1, reads
