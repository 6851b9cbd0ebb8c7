from apcase.access.testing import ALL_ROLES, Expect
from apcase.accounts import services
from apcase.accounts.roles import Role
from apcase.accounts.tests.factories import MembershipFactory


def _calendar_token(w, own):  # type: ignore[no-untyped-def]
    """A real feed token, of a panel member of the world's authority: the feed is
    reached by its token alone, the same for every caller (the token is the rule)."""
    membership = MembershipFactory(organisation=w.la, role=Role.PANEL_MEMBER)
    return {"token": services.make_calendar_feed(by=membership.user)}


EXPECTATIONS = {
    "home": Expect(roles=ALL_ROLES),
    "notifications": Expect(roles=ALL_ROLES),
    "notifications_read": Expect(roles=ALL_ROLES, method="POST", ok=302),
    "accessibility": Expect(public=True),
    "privacy": Expect(public=True),
    # TOKEN rule: no session needed; an unknown or revoked token is 404
    # (apcase/home/tests/test_calendar_feed.py).
    "calendar_feed": Expect(public=True, kwargs=_calendar_token),
}
