from apcase.access.testing import ALL_ROLES, Expect

EXPECTATIONS = {
    "home": Expect(roles=ALL_ROLES),
    "notifications": Expect(roles=ALL_ROLES),
    "notifications_read": Expect(roles=ALL_ROLES, method="POST", ok=302),
    "accessibility": Expect(public=True),
    "privacy": Expect(public=True),
}
