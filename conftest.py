"""Fixtures shared by every app's tests."""

import re

import pytest
from _pytest.nodeid import NodeId
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from apcase.accounts import two_factor
from apcase.accounts.roles import ROLES_BY_KIND, OrganisationKind, Role
from apcase.accounts.tests.factories import (
    LocalAuthorityFactory,
    MembershipFactory,
    PlatformFactory,
    ProviderFactory,
    SchoolFactory,
    UserFactory,
    confirmed_totp,
)

KIND_OF_ROLE = {role: kind for kind, roles in ROLES_BY_KIND.items() for role in roles}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep `--dist loadgroup` (make test) sending each `xdist_group` to one worker.

    pytest-xdist 3.8 tells its scheduler a test's group by writing "@group" onto the
    test's id, in a field pytest 9.2 no longer reads (pytest-xdist issue 1386): every
    group was silently spread over both workers, so the work a group shares (the
    migrated production database, apcase/core/tests/conftest.py) was done once a
    worker. This writes the suffix where pytest 9.2 reads it, and does nothing once
    pytest-xdist writes it itself.

    Browser tests go first: they are the suite's longest (the accessibility sweep of one
    organisation's accounts takes over a minute), and the scheduler hands each worker its
    next test as it finishes one, so the short tests fill in around them. In the order
    they were collected the longest began near the end, and one worker ran it alone while
    the other sat idle. The sort is stable: every other order is kept."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)
    if not getattr(config.option, "loadgroup", False):  # set on xdist's workers only
        return
    for item in items:
        groups = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if groups and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")


def sign_in(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    """Sign `user` in with both factors passed, as the sign-in pages would."""
    device = user.totpdevice_set.filter(confirmed=True).first() or confirmed_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    two_factor.note_verified(session)
    session.save()
    return client


@pytest.fixture
def world(db):
    """Two local authorities, each with a school and a provider: enough to test that
    every party sees its own records and not the other side's."""

    class World:
        pass

    w = World()
    w.la = LocalAuthorityFactory(name="Milton Keynes Council", la_code="826")
    w.school = SchoolFactory(name="Heronsgate School", local_authority=w.la)
    w.provider = ProviderFactory(name="Milton Keynes Primary Referral Unit", local_authority=w.la)
    w.other_la = LocalAuthorityFactory(name="Northshire Council", la_code="999")
    w.other_school = SchoolFactory(name="Elmhurst Primary School", local_authority=w.other_la)
    w.other_provider = ProviderFactory(
        name="Northshire Learning Centre", local_authority=w.other_la
    )
    w.platform = PlatformFactory()
    return w


@pytest.fixture
def user_with_role(world):
    """A factory: user_with_role(Role.X) gives a user holding X in `world`'s own
    organisation of the right kind (or in `organisation=` if given)."""

    def make(role: str, organisation=None, **user_fields):  # type: ignore[no-untyped-def]
        if organisation is None:
            organisation = {
                OrganisationKind.SCHOOL: world.school,
                OrganisationKind.LOCAL_AUTHORITY: world.la,
                OrganisationKind.PROVIDER: world.provider,
                OrganisationKind.PLATFORM: world.platform,
            }[KIND_OF_ROLE[role]]
        user = UserFactory(**user_fields)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture
def client_for(user_with_role):
    """client_for(Role.X) gives a test client signed in (both factors) with that role."""

    def make(role: str, organisation=None) -> Client:  # type: ignore[no-untyped-def]
        user = user_with_role(role, organisation)
        client = sign_in(Client(), user)
        client.user = user
        return client

    return make


__all__ = ["Role", "sign_in"]


def without_layout(html: str) -> str:
    """Markup less the whitespace between its tags (how a template happened to indent
    it), for comparing two ways of writing the same elements."""
    return re.sub(r">\s+<", "><", html).strip()
