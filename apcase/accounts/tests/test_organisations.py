"""System admins add and edit organisations; schools and providers belong to a local
authority."""

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts import services
from apcase.accounts.models import Organisation
from apcase.accounts.roles import OrganisationKind, Role
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(user_with_role):
    return user_with_role(Role.SYSTEM_ADMIN)


@pytest.fixture
def sysadmin_client(sysadmin):
    return sign_in(Client(), sysadmin)


def test_a_system_admin_adds_a_school_under_a_local_authority(world, sysadmin_client):
    response = sysadmin_client.post(
        reverse("organisations:create"),
        {
            "kind": OrganisationKind.SCHOOL,
            "name": "Willowbrook Academy",
            "local_authority": world.la.pk,
            "urn": "712345",
            "town": "Milton Keynes",
        },
        follow=True,
    )
    school = Organisation.objects.get(name="Willowbrook Academy")
    assert school.local_authority == world.la
    assert school.urn == 712345
    assert b"Willowbrook Academy has been added" in response.content
    assert b"Invite a user" in response.content
    assert AuditEvent.objects.filter(action="organisation_created").count() == 1


def test_a_school_without_a_local_authority_is_refused(world, sysadmin_client):
    response = sysadmin_client.post(
        reverse("organisations:create"), {"kind": OrganisationKind.SCHOOL, "name": "Lonely School"}
    )
    assert_page(
        response,
        contains=[
            "<title>Error: ",
            "govuk-error-summary",
            "Select the local authority this school belongs to",
        ],
    )
    assert not Organisation.objects.filter(name="Lonely School").exists()
    assert not AuditEvent.objects.exists()


def test_a_provider_also_needs_a_local_authority(sysadmin):
    with pytest.raises(ValidationFailed) as refused:
        services.create_organisation(by=sysadmin, kind=OrganisationKind.PROVIDER, name="Hub")
    assert "local_authority" in refused.value.errors


def test_a_local_authority_cannot_belong_to_another(world, sysadmin):
    with pytest.raises(ValidationFailed):
        services.create_organisation(
            by=sysadmin,
            kind=OrganisationKind.LOCAL_AUTHORITY,
            name="Subshire",
            local_authority=world.la,
        )


def test_a_duplicate_urn_is_refused_with_a_message(world, sysadmin_client):
    response = sysadmin_client.post(
        reverse("organisations:create"),
        {
            "kind": OrganisationKind.SCHOOL,
            "name": "Copycat School",
            "local_authority": world.la.pk,
            "urn": str(world.school.urn),
        },
    )
    assert b"Another organisation already has this URN" in response.content
    assert not Organisation.objects.filter(name="Copycat School").exists()


def test_a_system_admin_edits_an_organisation_and_the_change_is_recorded(world, sysadmin_client):
    url = reverse("organisations:edit", args=[world.school.pk])
    page = sysadmin_client.get(url)
    assert b"Heronsgate School" in page.content
    response = sysadmin_client.post(
        url,
        {
            "name": "Heronsgate Primary School",
            "local_authority": world.la.pk,
            "urn": str(world.school.urn),
            "status": Organisation.Status.OPEN,
        },
    )
    assert response["Location"] == reverse("organisations:detail", args=[world.school.pk])
    world.school.refresh_from_db()
    assert world.school.name == "Heronsgate Primary School"
    event = AuditEvent.objects.get(action="organisation_updated")
    assert event.changes["name"] == ["Heronsgate School", "Heronsgate Primary School"]


def test_saving_without_changes_records_nothing(world, sysadmin):
    services.update_organisation(by=sysadmin, organisation=world.school, name=world.school.name)
    assert not AuditEvent.objects.exists()


def test_an_organisation_admin_cannot_add_or_edit_organisations(world, user_with_role):
    school_admin = user_with_role(Role.SCHOOL_ADMIN)
    client = sign_in(Client(), school_admin)
    assert client.get(reverse("organisations:create")).status_code == 403
    assert client.get(reverse("organisations:edit", args=[world.school.pk])).status_code == 403
    with pytest.raises(NotPermitted):
        services.update_organisation(by=school_admin, organisation=world.school, name="Mine")


def test_the_organisation_list_links_to_each_organisations_users(world, user_with_role):
    client = sign_in(Client(), user_with_role(Role.LA_ADMIN))
    page = client.get(reverse("organisations:list"))
    assert reverse("organisations:detail", args=[world.la.pk]).encode() in page.content
    assert b"Elmhurst" not in page.content
