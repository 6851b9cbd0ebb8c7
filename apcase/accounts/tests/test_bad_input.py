"""Bad input in the accounts forms (issue 9) gets a clear message, never a 500, and
changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts.models import Invitation, Organisation
from apcase.accounts.roles import OrganisationKind, Role
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


def test_an_invitation_name_over_300_characters_is_refused_clearly(world, user_with_role):
    admin = sign_in(Client(), user_with_role(Role.SCHOOL_ADMIN))
    for name in ("N" * 301, "N" * 5000):
        response = admin.post(
            reverse("organisations:invite", args=[world.school.pk]),
            {"full_name": name, "email": "long.name@example.org", "role": Role.SCHOOL_STAFF},
        )
        assert_page(response, contains="Full name must be 150 characters or fewer")
    assert not Invitation.objects.exists()


def test_an_email_address_longer_than_the_column_is_refused_clearly(world, user_with_role):
    # Valid by the email rules (local part of 64, labels of 63) but 268 characters: the
    # column holds 254, so PostgreSQL refused the insert with a 500.
    long_address = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "example.org"
    admin = sign_in(Client(), user_with_role(Role.SCHOOL_ADMIN))
    response = admin.post(
        reverse("organisations:invite", args=[world.school.pk]),
        {"full_name": "Jo", "email": long_address, "role": Role.SCHOOL_STAFF},
    )
    assert_page(response, contains="Email address must be 254 characters or fewer")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("field", ["urn", "ukprn"])
@pytest.mark.parametrize("value", [str(10**20), "2147483648", "-1"])
def test_an_out_of_range_urn_is_refused_clearly(world, user_with_role, field, value):
    sysadmin = sign_in(Client(), user_with_role(Role.SYSTEM_ADMIN))
    before = Organisation.objects.count()
    data = {
        "kind": OrganisationKind.SCHOOL,
        "name": "Big Number School",
        "local_authority": world.la.pk,
        field: value,
    }
    response = sysadmin.post(reverse("organisations:create"), data)
    assert_page(response, contains="as a whole number of up to 8 digits")
    assert Organisation.objects.count() == before
    edit = sysadmin.post(
        reverse("organisations:edit", args=[world.school.pk]),
        {"name": world.school.name, "local_authority": world.la.pk, "status": "open", field: value},
    )
    assert edit.status_code == 200
    world.school.refresh_from_db()
    assert str(getattr(world.school, field)) != value
