from apcase.access.testing import ALL_ROLES, ORG_ADMIN_ROLES, Expect
from apcase.accounts.roles import Role

EXPECTATIONS = {
    "accounts:login": Expect(public=True),
    # Already verified: the code page sends the user home.
    "accounts:two_factor": Expect(password_only=True, roles=ALL_ROLES, ok=302),
    "accounts:logout": Expect(public=True, method="POST"),
    "accounts:password_reset": Expect(public=True),
    "accounts:password_reset_done": Expect(public=True),
    "accounts:password_reset_confirm": Expect(
        public=True, kwargs=lambda w, own: {"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": Expect(public=True),
    "organisations:list": Expect(roles=ORG_ADMIN_ROLES | {Role.SYSTEM_ADMIN}),
}
