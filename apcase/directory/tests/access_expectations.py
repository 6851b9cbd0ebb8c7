from apcase.access.testing import LA_ROLES, PROVIDER_ROLES, SCHOOL_ROLES, Expect

EXPECTATIONS = {
    "directory:provider_list": Expect(roles=SCHOOL_ROLES | LA_ROLES | PROVIDER_ROLES),
}
