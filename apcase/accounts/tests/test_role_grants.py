"""Role grants (issue 9): an admin cannot hand a second address of their own a
safeguarding role, and a system admin cannot invite into pupil-data roles. A grant of
school DSL, headteacher or provider DSL/manager waits for a second person's
confirmation (roles.CONFIRMING_ROLE); every grant shows on the members page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apcase.accounts import services
from apcase.accounts.models import Invitation, Membership
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import MembershipFactory, SchoolFactory
from apcase.accounts.tests.helpers import link_in_latest_email, path_of
from apcase.chronology.models import AuditEvent
from apcase.core.errors import ValidationFailed
from apcase.notifications.models import OutboxMessage
from conftest import sign_in
from tests.helpers import assert_page

pytestmark = pytest.mark.django_db

PASSWORD = "kestrel-meadow-lantern-2031"
SECOND_ADDRESS = "grace.private@example.net"


@pytest.fixture
def admin(user_with_role):
    return user_with_role(Role.SCHOOL_ADMIN, full_name="Grace Lindqvist")


@pytest.fixture
def headteacher(user_with_role):
    return user_with_role(Role.HEADTEACHER, full_name="Tomasz Adeyemi")


def _invite(client: Client, organisation, role: str, email: str = SECOND_ADDRESS):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("organisations:invite", args=[organisation.pk]),
        {"full_name": "Grace Elsewhere", "email": email, "role": role},
        follow=True,
    )


def _confirm_url(invitation: Invitation) -> str:
    return reverse(
        "organisations:confirm_invitation", args=[invitation.organisation_id, invitation.pk]
    )


def test_an_admin_cannot_make_their_second_address_dsl_without_the_headteacher(
    world, admin, headteacher
):
    attacker = sign_in(Client(), admin)
    page = _invite(attacker, world.school, Role.SCHOOL_DSL)
    assert_page(page, contains="waiting for confirmation")
    invitation = Invitation.objects.get(email=SECOND_ADDRESS)
    assert invitation.awaiting_confirmation
    # No link reaches the second address, so there is nothing to accept.
    assert not OutboxMessage.objects.filter(to=SECOND_ADDRESS).exists()
    # The inviter cannot confirm their own grant.
    assert attacker.get(_confirm_url(invitation)).status_code == 403
    assert not Membership.objects.filter(user__email=SECOND_ADDRESS).exists()

    # The headteacher is told, confirms on the page, and only then is the link sent.
    assert OutboxMessage.objects.filter(to=headteacher.email).exists()
    head = sign_in(Client(), headteacher)
    listed = head.get(reverse("organisations:list"))
    assert b"Invitations waiting for your confirmation" in listed.content
    assert head.get(_confirm_url(invitation)).status_code == 200
    done = head.post(_confirm_url(invitation), follow=True)
    assert b"The invitation has been sent to" in done.content
    link = link_in_latest_email(SECOND_ADDRESS)
    accepted = Client().post(
        path_of(link), {"full_name": "Grace E", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert accepted.status_code == 302
    assert Membership.objects.get(user__email=SECOND_ADDRESS).role == Role.SCHOOL_DSL
    assert AuditEvent.objects.filter(action="invitation_confirmed", actor_id=headteacher.pk)


def test_an_unconfirmed_invitation_cannot_be_accepted_even_with_its_token(world, admin):
    from apcase.accounts.tests.factories import invitation_with_token

    invitation_with_token(
        "leaked-token", organisation=world.school, role=Role.SCHOOL_DSL, needs_confirmation=True
    )
    url = reverse("accounts:accept_invitation", args=["leaked-token"])
    page = Client().post(url, {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD})
    assert_page(page, status=403, contains="waiting for confirmation")
    assert not Membership.objects.filter(role=Role.SCHOOL_DSL).exists()
    with pytest.raises(ValidationFailed):
        services.accept_invitation(token="leaked-token", full_name="X", password=PASSWORD)


def test_a_second_headteacher_account_is_also_a_grant_that_waits(world, admin, headteacher):
    # Otherwise the admin would make their second address headteacher and confirm
    # their own DSL grant with it.
    attacker = sign_in(Client(), admin)
    _invite(attacker, world.school, Role.HEADTEACHER)
    assert Invitation.objects.get(email=SECOND_ADDRESS).awaiting_confirmation
    assert not OutboxMessage.objects.filter(to=SECOND_ADDRESS).exists()


def test_a_lone_headteacher_inviting_a_dsl_needs_the_local_authority(world, headteacher):
    la_admin = MembershipFactory(organisation=world.la, role=Role.LA_ADMIN).user
    other_la_admin = MembershipFactory(organisation=world.other_la, role=Role.LA_ADMIN).user
    head = sign_in(Client(), headteacher)
    _invite(head, world.school, Role.SCHOOL_DSL, email="new.dsl@example.org")
    invitation = Invitation.objects.get(email="new.dsl@example.org")
    assert head.get(_confirm_url(invitation)).status_code == 404
    assert sign_in(Client(), other_la_admin).get(_confirm_url(invitation)).status_code == 404
    assert sign_in(Client(), la_admin).post(_confirm_url(invitation)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.confirmed_by == la_admin
    assert OutboxMessage.objects.filter(to="new.dsl@example.org").exists()


def test_a_provider_manager_grant_needs_another_manager(world, user_with_role):
    manager = user_with_role(Role.PROVIDER_MANAGER)
    colleague = user_with_role(Role.PROVIDER_MANAGER)
    _invite(sign_in(Client(), manager), world.provider, Role.PROVIDER_MANAGER)
    invitation = Invitation.objects.get(email=SECOND_ADDRESS)
    assert invitation.awaiting_confirmation
    assert sign_in(Client(), manager).get(_confirm_url(invitation)).status_code == 404
    assert sign_in(Client(), colleague).post(_confirm_url(invitation)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.confirmed_by == colleague


def test_a_system_admin_cannot_invite_into_pupil_data_roles(world, admin, user_with_role):
    sysadmin = user_with_role(Role.SYSTEM_ADMIN)
    client = sign_in(Client(), sysadmin)
    for role in (Role.SCHOOL_DSL, Role.INCLUSION_LEAD, Role.SCHOOL_ADMIN):
        page = _invite(client, world.school, role)
        assert_page(page, contains="Select a role that sees no pupil data")
    assert not Invitation.objects.exists()


def test_a_system_admin_can_invite_a_new_organisations_first_admin(world, user_with_role):
    sysadmin = user_with_role(Role.SYSTEM_ADMIN)
    client = sign_in(Client(), sysadmin)
    school = SchoolFactory(local_authority=world.la)
    _invite(client, school, Role.SCHOOL_ADMIN, email="first.admin@example.org")
    assert OutboxMessage.objects.filter(to="first.admin@example.org").exists()
    # Only the first: a second admin is the organisation's own business.
    page = _invite(client, school, Role.SCHOOL_ADMIN, email="second.admin@example.org")
    assert b"Select a role that sees no pupil data" in page.content
    assert not Invitation.objects.filter(email="second.admin@example.org").exists()


def test_an_expired_first_admin_invitation_lets_a_system_admin_invite_again(world, user_with_role):
    sysadmin = user_with_role(Role.SYSTEM_ADMIN)
    client = sign_in(Client(), sysadmin)
    school = SchoolFactory(local_authority=world.la)
    _invite(client, school, Role.SCHOOL_ADMIN, email="first.admin@example.org")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page = _invite(client, school, Role.SCHOOL_ADMIN, email="second.admin@example.org")
    assert_page(page, contains="Invitation sent to second.admin@example.org.")
    assert OutboxMessage.objects.filter(to="second.admin@example.org").exists()


def test_deactivating_the_admins_does_not_let_a_system_admin_appoint_one(world, admin):
    sysadmin = MembershipFactory(organisation=world.platform, role=Role.SYSTEM_ADMIN).user
    client = sign_in(Client(), sysadmin)
    membership = admin.memberships.get()
    client.post(reverse("organisations:deactivate_member", args=[world.school.pk, membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active
    page = _invite(client, world.school, Role.SCHOOL_ADMIN)
    assert b"Select a role that sees no pupil data" in page.content
    assert not Invitation.objects.exists()


def test_reactivating_a_dsl_needs_someone_who_could_confirm_it(world, admin, headteacher):
    dsl = MembershipFactory(organisation=world.school, role=Role.SCHOOL_DSL, is_active=False)
    url = reverse("organisations:reactivate_member", args=[world.school.pk, dsl.pk])
    page = sign_in(Client(), admin).post(url, follow=True)
    assert b"Restoring this role needs someone who could confirm it" in page.content
    dsl.refresh_from_db()
    assert not dsl.is_active
    sign_in(Client(), headteacher).post(url)
    dsl.refresh_from_db()
    assert dsl.is_active


def test_every_role_grant_shows_on_the_members_page(world, admin, headteacher):
    attacker = sign_in(Client(), admin)
    _invite(attacker, world.school, Role.SCHOOL_DSL)
    invitation = Invitation.objects.get(email=SECOND_ADDRESS)
    sign_in(Client(), headteacher).post(_confirm_url(invitation))
    staff = MembershipFactory(organisation=world.school, role=Role.SCHOOL_STAFF)
    services.deactivate_membership(by=admin, membership=staff)

    page = attacker.get(reverse("organisations:detail", args=[world.school.pk]))
    html = page.content.decode()
    assert "Role changes" in html
    for who, what in (
        ("Grace Lindqvist", f"Invited {SECOND_ADDRESS} as Designated safeguarding lead"),
        ("Tomasz Adeyemi", f"Confirmed the invitation of {SECOND_ADDRESS}"),
        ("Grace Lindqvist", "Deactivated"),
    ):
        assert who in html
        assert what in html
