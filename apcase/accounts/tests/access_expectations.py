from apcase.access.testing import ALL_ROLES, ORG_ADMIN_ROLES, Expect
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    invitation_with_token,
)

# Organisation pages take the organisation in the URL. The walk builds one URL for
# every role, so it names the world's school: the school's admins and headteacher
# reach it (and get 404 for the other school), the LA and provider admins get 404
# for a school that is not theirs, and system admins reach every organisation.
SCHOOL_ADMINS = frozenset({Role.SCHOOL_ADMIN, Role.HEADTEACHER})
OTHER_ADMINS_NOT_FOUND = {Role.LA_ADMIN: 404, Role.PROVIDER_MANAGER: 404}
EVERY_ORGANISATION = {**OTHER_ADMINS_NOT_FOUND, Role.SYSTEM_ADMIN: 200}


def _school(w, own):  # type: ignore[no-untyped-def]
    return w.school if own else w.other_school


def _organisation(w, own):  # type: ignore[no-untyped-def]
    return {"organisation_id": _school(w, own).pk}


def _membership(w, own):  # type: ignore[no-untyped-def]
    membership = MembershipFactory(organisation=_school(w, own), role=Role.SCHOOL_STAFF)
    return {"organisation_id": membership.organisation_id, "membership_id": membership.pk}


def _inactive_membership(w, own):  # type: ignore[no-untyped-def]
    membership = MembershipFactory(
        organisation=_school(w, own), role=Role.SCHOOL_STAFF, is_active=False
    )
    return {"organisation_id": membership.organisation_id, "membership_id": membership.pk}


def _invitation(w, own):  # type: ignore[no-untyped-def]
    invitation = InvitationFactory(organisation=_school(w, own))
    return {"organisation_id": invitation.organisation_id, "invitation_id": invitation.pk}


def _invitation_to_confirm(w, own):  # type: ignore[no-untyped-def]
    invitation = InvitationFactory(
        organisation=_school(w, own), role=Role.SCHOOL_DSL, needs_confirmation=True
    )
    return {"organisation_id": invitation.organisation_id, "invitation_id": invitation.pk}


def _invitation_token(w, own):  # type: ignore[no-untyped-def]
    invitation_with_token("walk-token", organisation=w.school)
    return {"token": "walk-token"}


def _org_admin_page(**extra):  # type: ignore[no-untyped-def]
    return Expect(
        roles=SCHOOL_ADMINS,
        role_status={**EVERY_ORGANISATION, **extra.pop("role_status", {})},
        **extra,
    )


EXPECTATIONS = {
    "accounts:login": Expect(public=True),
    # Already verified: the code page sends the user home.
    "accounts:two_factor": Expect(password_only=True, roles=ALL_ROLES, ok=302),
    "accounts:confirm_code": Expect(roles=ALL_ROLES),
    "accounts:logout": Expect(public=True, method="POST"),
    "accounts:password_reset": Expect(public=True),
    "accounts:password_reset_done": Expect(public=True),
    "accounts:password_reset_confirm": Expect(
        public=True, kwargs=lambda w, own: {"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": Expect(public=True),
    "accounts:accept_invitation": Expect(public=True, kwargs=_invitation_token),
    "accounts:email_choice": Expect(roles=ALL_ROLES),
    "accounts:calendar": Expect(roles=ALL_ROLES),
    "organisations:list": Expect(roles=ORG_ADMIN_ROLES | {Role.SYSTEM_ADMIN}),
    "organisations:create": Expect(roles=frozenset({Role.SYSTEM_ADMIN})),
    # System admins only; they reach every organisation, so no 404 case applies.
    "organisations:edit": Expect(
        kwargs=_organisation, role_status={Role.SYSTEM_ADMIN: 200}, note="system admins"
    ),
    "organisations:detail": _org_admin_page(kwargs=_organisation),
    "organisations:invite": _org_admin_page(kwargs=_organisation),
    "organisations:deactivate_member": _org_admin_page(
        kwargs=_membership, method="POST", ok=302, role_status={Role.SYSTEM_ADMIN: 302}
    ),
    "organisations:reactivate_member": _org_admin_page(
        kwargs=_inactive_membership, method="POST", ok=302, role_status={Role.SYSTEM_ADMIN: 302}
    ),
    # The school's headteacher confirms; the LA admin of the school's authority too when
    # the school has no headteacher (the walk's world has none beside the walking user).
    "organisations:confirm_invitation": Expect(
        roles=frozenset({Role.HEADTEACHER, Role.LA_ADMIN}),
        kwargs=_invitation_to_confirm,
        role_status={Role.PROVIDER_MANAGER: 404},
    ),
    "organisations:revoke_invitation": _org_admin_page(
        kwargs=_invitation, method="POST", ok=302, role_status={Role.SYSTEM_ADMIN: 302}
    ),
}
