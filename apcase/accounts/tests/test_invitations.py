"""Invitations: an organisation admin invites by email; the one-time link lets the
person choose a password, then sign in and set up two-factor authentication."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts import services
from apcase.accounts.models import Invitation, Membership, User
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import PASSWORD, UserFactory, invitation_with_token
from apcase.accounts.tests.helpers import link_in_latest_email, path_of, submit_password
from apcase.chronology.models import AuditEvent
from apcase.core.errors import NotPermitted, ValidationFailed
from apcase.notifications.models import OutboxMessage
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "kestrel-meadow-lantern-2031"


@pytest.fixture
def admin(user_with_role):
    return user_with_role(Role.SCHOOL_ADMIN, full_name="Grace Lindqvist")


@pytest.fixture
def admin_client(admin):
    return sign_in(Client(), admin)


def _invite_through_the_page(client: Client, organisation, **overrides):  # type: ignore[no-untyped-def]
    data = {"full_name": "Jade Thornton", "email": "jade.thornton@example.org"}
    data["role"] = Role.SCHOOL_STAFF
    data.update(overrides)
    return client.post(reverse("organisations:invite", args=[organisation.pk]), data)


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_an_admin_invites_and_the_person_sets_a_password_and_joins(world, admin_client):
    response = _invite_through_the_page(admin_client, world.school)
    assert response["Location"] == reverse("organisations:detail", args=[world.school.pk])
    detail = admin_client.get(response["Location"])
    assert b"Invitation sent to jade.thornton@example.org" in detail.content
    assert b"Invitations waiting to be accepted" in detail.content
    assert b"jade.thornton@example.org" in detail.content

    email = OutboxMessage.objects.get(to="jade.thornton@example.org")
    assert "Heronsgate School" in email.body
    link = link_in_latest_email("jade.thornton@example.org")
    newcomer = Client()
    page = newcomer.get(path_of(link))
    assert_page(page, contains=["Create your account", "Jade Thornton"])

    response = newcomer.post(
        path_of(link),
        {"full_name": "Jade Thornton", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(email="jade.thornton@example.org")
    assert user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (world.school, Role.SCHOOL_STAFF)
    assert membership.is_active
    assert _events("invitation_sent") == 1
    assert _events("invitation_accepted") == 1
    # Next: sign in, and the first sign-in sets up the authenticator app.
    submit_password(newcomer, user.email, NEW_PASSWORD)
    enrol = newcomer.get(reverse("accounts:two_factor"))
    assert b"Set up two-factor authentication" in enrol.content
    assert b"<svg" in enrol.content


def test_only_the_hash_of_the_link_is_stored(world, admin_client):
    _invite_through_the_page(admin_client, world.school)
    token = path_of(link_in_latest_email("jade.thornton@example.org")).rstrip("/").split("/")[-1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


def test_the_link_works_once(world):
    invitation_with_token("once-only", organisation=world.school)
    data = {"full_name": "Sam Okoro", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    url = reverse("accounts:accept_invitation", args=["once-only"])
    assert Client().post(url, data).status_code == 302

    again = Client().get(url)
    assert_page(again, status=410, contains="This invitation has already been used")
    replay = Client().post(url, {**data, "password1": "x" * 20, "password2": "x" * 20})
    assert replay.status_code == 410
    assert User.objects.get(email=Invitation.objects.get().email).check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused_and_creates_nobody(world):
    invitation = invitation_with_token(
        "too-late", organisation=world.school, expires_at=timezone.now() - timedelta(minutes=1)
    )
    url = reverse("accounts:accept_invitation", args=["too-late"])
    page = Client().get(url)
    assert_page(page, status=410, contains="This invitation has expired")
    data = {"full_name": "Sam Okoro", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert Client().post(url, data).status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_an_unknown_link_says_it_is_not_valid():
    page = Client().get(reverse("accounts:accept_invitation", args=["no-such-token"]))
    assert_page(page, status=404, contains="This invitation link is not valid")


def test_a_withdrawn_link_is_refused(world, admin, admin_client):
    invitation = invitation_with_token("withdrawn", organisation=world.school)
    response = admin_client.post(
        reverse("organisations:revoke_invitation", args=[world.school.pk, invitation.pk])
    )
    assert response.status_code == 302
    assert _events("invitation_revoked") == 1
    page = Client().get(reverse("accounts:accept_invitation", args=["withdrawn"]))
    assert_page(page, status=410, contains="This invitation has been withdrawn")


def test_a_weak_password_is_refused_with_an_error_summary_and_the_link_still_works(world):
    invitation_with_token("weak", organisation=world.school)
    url = reverse("accounts:accept_invitation", args=["weak"])
    response = Client().post(
        url, {"full_name": "Sam Okoro", "password1": "password", "password2": "password"}
    )
    assert_page(
        response, contains=["<title>Error: ", "govuk-error-summary", "This password is too common"]
    )
    assert Invitation.objects.get().accepted_at is None
    assert Client().get(url).status_code == 200


def test_mismatched_passwords_are_refused(world):
    invitation_with_token("mismatch", organisation=world.school)
    response = Client().post(
        reverse("accounts:accept_invitation", args=["mismatch"]),
        {"full_name": "Sam Okoro", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert b"The two passwords do not match" in response.content


def test_someone_with_an_account_accepts_without_changing_their_password(world):
    existing = UserFactory(email="already.here@example.org")
    invitation_with_token("existing", organisation=world.school, email="already.here@example.org")
    url = reverse("accounts:accept_invitation", args=["existing"])
    page = Client().get(url)
    assert b"Accept your invitation" in page.content
    assert b"Password" not in page.content

    assert Client().post(url, {}).status_code == 302

    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)
    assert existing.memberships.get().organisation == world.school


def test_a_school_admin_cannot_invite_into_another_school(world, admin_client):
    page = admin_client.get(reverse("organisations:invite", args=[world.other_school.pk]))
    assert page.status_code == 404
    response = _invite_through_the_page(admin_client, world.other_school)
    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_school_admin_cannot_give_a_local_authority_role_in_a_school(world, admin_client):
    response = _invite_through_the_page(admin_client, world.school, role=Role.PANEL_MEMBER)
    assert_page(response, contains=["<title>Error: ", "Select a role from the list"])
    assert not Invitation.objects.exists()


def test_the_invite_form_offers_only_the_roles_of_a_school(world, admin_client):
    page = admin_client.get(reverse("organisations:invite", args=[world.school.pk]))
    assert b"Inclusion lead / SENCO" in page.content
    assert b"Panel member" not in page.content
    assert b"System administrator" not in page.content


def test_the_invite_service_refuses_a_role_that_does_not_fit(world, admin):
    with pytest.raises(ValidationFailed):
        services.invite_user(
            by=admin,
            organisation=world.school,
            email="x@example.org",
            full_name="X",
            role=Role.LA_ADMIN,
        )
    assert _events("invitation_sent") == 0


def test_staff_who_are_not_admins_cannot_invite(world, user_with_role):
    staff = user_with_role(Role.SCHOOL_STAFF)
    with pytest.raises(NotPermitted):
        services.invite_user(
            by=staff,
            organisation=world.school,
            email="x@example.org",
            full_name="X",
            role=Role.SCHOOL_STAFF,
        )
    assert not Invitation.objects.exists()


def test_a_second_invitation_for_the_same_role_is_refused_while_one_waits(world, admin_client):
    _invite_through_the_page(admin_client, world.school)
    response = _invite_through_the_page(admin_client, world.school)
    assert_page(response, contains="already has an invitation for this role waiting")
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("ended", ["expired", "withdrawn"])
def test_an_invitation_no_longer_waiting_does_not_block_a_new_one(world, admin_client, ended):
    _invite_through_the_page(admin_client, world.school)
    first = Invitation.objects.get()
    if ended == "expired":
        first.expires_at = timezone.now() - timedelta(minutes=1)
    else:
        first.revoked_at = timezone.now()
    first.save()
    response = _invite_through_the_page(admin_client, world.school)
    assert_page(response, status=302)
    assert Invitation.objects.count() == 2


def test_someone_who_already_has_the_role_is_not_invited_again(world, user_with_role, admin_client):
    colleague = user_with_role(Role.SCHOOL_STAFF)
    response = _invite_through_the_page(
        admin_client, world.school, email=colleague.email, role=Role.SCHOOL_STAFF
    )
    assert b"already has this role in this organisation" in response.content
    assert not Invitation.objects.exists()


def test_each_invitation_service_writes_exactly_one_audit_event(world, admin):
    invitation = services.invite_user(
        by=admin,
        organisation=world.school,
        email="sam.okoro@example.org",
        full_name="Sam Okoro",
        role=Role.SCHOOL_DSL,
    )
    assert _events("invitation_sent") == 1
    services.revoke_invitation(by=admin, invitation=invitation)
    assert _events("invitation_revoked") == 1
    invitation_with_token("accept-me", organisation=world.school)
    services.accept_invitation(token="accept-me", full_name="Sam Okoro", password=NEW_PASSWORD)
    assert _events("invitation_accepted") == 1
    assert AuditEvent.objects.count() == 3


def test_the_email_tells_someone_with_an_account_to_sign_in_as_usual(world, admin_client):
    UserFactory(email="already.here@example.org")
    _invite_through_the_page(admin_client, world.school, email="already.here@example.org")
    body = OutboxMessage.objects.get(to="already.here@example.org").body
    assert "sign in as usual" in body
    assert "choose a password" not in body


def test_a_system_admin_cannot_invite_themselves_into_a_school(world, user_with_role):
    sysadmin = user_with_role(Role.SYSTEM_ADMIN, email="ops@apcase.example")
    client = sign_in(Client(), sysadmin)
    response = _invite_through_the_page(
        client, world.school, email="OPS@apcase.example", role=Role.INCLUSION_LEAD
    )
    assert_page(response, contains="not your own")
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(user=sysadmin, organisation=world.school).exists()
