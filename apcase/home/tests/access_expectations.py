from apcase.access.testing import ALL_ROLES, Expect

EXPECTATIONS = {
    "home": Expect(roles=ALL_ROLES),
    "accessibility": Expect(public=True),
    "privacy": Expect(public=True),
}
