"""Deactivating and reactivating members: access ends on the very next request, and
nobody can remove their own last way to manage an organisation."""

import pytest
from django.test import Client
from django.urls import reverse

from apcase.accounts import services
from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import MembershipFactory
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(user_with_role):
    return user_with_role(Role.SCHOOL_ADMIN, full_name="Grace Lindqvist")


@pytest.fixture
def admin_client(admin):
    return sign_in(Client(), admin)


def _deactivate(client: Client, membership: Membership):  # type: ignore[no-untyped-def]
    url = reverse(
        "organisations:deactivate_member", args=[membership.organisation_id, membership.pk]
    )
    return client.post(url, follow=True)


def test_the_members_table_shows_name_email_role_and_status(world, admin, admin_client):
    MembershipFactory(
        organisation=world.school,
        role=Role.INCLUSION_LEAD,
        user__full_name="Priya Raman",
        user__email="priya@example.org",
        is_active=False,
    )
    page = admin_client.get(reverse("organisations:detail", args=[world.school.pk]))
    html = page.content.decode()
    for text in ("Priya Raman", "priya@example.org", "Inclusion lead / SENCO"):
        assert text in html
    assert "Deactivated</strong>" in html
    assert "Active</strong>" in html
    assert "Reactivate<span" in html


def test_a_deactivated_member_is_signed_out_on_their_very_next_request(
    world, admin_client, user_with_role
):
    headteacher = user_with_role(Role.HEADTEACHER)
    their_client = sign_in(Client(), headteacher)
    assert their_client.get(reverse("organisations:list")).status_code == 200

    page = _deactivate(admin_client, headteacher.memberships.get())

    assert b"is no longer headteacher here" in page.content
    response = their_client.get(reverse("organisations:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_losing_one_role_of_several_ends_that_roles_access_at_once(
    world, admin_client, user_with_role
):
    person = user_with_role(Role.HEADTEACHER)
    MembershipFactory(user=person, organisation=world.school, role=Role.SCHOOL_STAFF)
    their_client = sign_in(Client(), person)
    detail = reverse("organisations:detail", args=[world.school.pk])
    assert their_client.get(detail).status_code == 200

    _deactivate(admin_client, person.memberships.get(role=Role.HEADTEACHER))

    assert their_client.get(detail).status_code == 403
    assert their_client.get(reverse("home")).status_code == 200


def test_an_admin_cannot_deactivate_their_own_last_admin_role(world, admin, admin_client):
    own = admin.memberships.get()
    page = admin_client.get(reverse("organisations:detail", args=[world.school.pk]))
    assert f"/members/{own.pk}/deactivate/" not in page.content.decode()

    response = _deactivate(admin_client, own)

    assert b"You cannot deactivate your own last administrator role here" in response.content
    own.refresh_from_db()
    assert own.is_active
    assert not AuditEvent.objects.filter(action="membership_deactivated").exists()


def test_an_admin_with_another_admin_role_may_give_one_up(world, admin):
    MembershipFactory(user=admin, organisation=world.school, role=Role.HEADTEACHER)
    own = admin.memberships.get(role=Role.SCHOOL_ADMIN)
    services.deactivate_membership(by=admin, membership=own)
    own.refresh_from_db()
    assert not own.is_active


def test_a_school_admin_cannot_deactivate_someone_at_another_school(world, admin_client):
    elsewhere = MembershipFactory(organisation=world.other_school)
    assert _deactivate(admin_client, elsewhere).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


def test_a_membership_of_another_school_cannot_be_reached_through_your_own(world, admin_client):
    elsewhere = MembershipFactory(organisation=world.other_school)
    url = reverse("organisations:deactivate_member", args=[world.school.pk, elsewhere.pk])
    assert admin_client.post(url).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.is_active


def test_the_service_refuses_an_admin_of_another_organisation(world, user_with_role):
    other_admin = user_with_role(Role.SCHOOL_ADMIN, organisation=world.other_school)
    membership = MembershipFactory(organisation=world.school)
    with pytest.raises(NotPermitted):
        services.deactivate_membership(by=other_admin, membership=membership)


def test_deactivating_and_reactivating_each_write_exactly_one_audit_event(world, admin):
    membership = MembershipFactory(organisation=world.school, role=Role.INCLUSION_LEAD)

    services.deactivate_membership(by=admin, membership=membership)
    assert AuditEvent.objects.filter(action="membership_deactivated").count() == 1
    services.reactivate_membership(by=admin, membership=membership)
    assert AuditEvent.objects.filter(action="membership_reactivated").count() == 1

    assert AuditEvent.objects.count() == 2
    membership.refresh_from_db()
    assert membership.is_active


def test_deactivating_twice_is_refused_without_a_second_event(world, admin):
    membership = MembershipFactory(organisation=world.school)
    services.deactivate_membership(by=admin, membership=membership)
    with pytest.raises(ValidationFailed):
        services.deactivate_membership(by=admin, membership=membership)
    assert AuditEvent.objects.count() == 1


def test_a_reactivated_member_can_use_the_service_again(world, admin_client, user_with_role):
    person = user_with_role(Role.SCHOOL_ADMIN)
    membership = person.memberships.get()
    _deactivate(admin_client, membership)
    url = reverse("organisations:reactivate_member", args=[world.school.pk, membership.pk])
    page = admin_client.post(url, follow=True)
    assert b"is school administrator here again" in page.content
    their_client = sign_in(Client(), person)
    assert their_client.get(reverse("organisations:list")).status_code == 200


def test_deactivation_ends_every_session_of_someone_left_with_no_role(world, admin):
    person = MembershipFactory(organisation=world.school).user
    laptop, phone = sign_in(Client(), person), sign_in(Client(), person)
    bystander = sign_in(Client(), admin)

    services.deactivate_membership(by=admin, membership=person.memberships.get())

    for client in (laptop, phone):
        assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))
    assert bystander.get(reverse("home")).status_code == 200
