from apcase.access.testing import Expect
from apcase.accounts.roles import Role
from apcase.placements.tests.access_expectations import placement_kwargs

CENSUS_TEAM = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_ADMIN})

EXPECTATIONS = {
    "census:return": Expect(roles=CENSUS_TEAM),
    # The walk's world has no placement in the next census: an empty return downloads.
    "census:export": Expect(roles=CENSUS_TEAM),
    "census:placement": Expect(roles=CENSUS_TEAM, kwargs=placement_kwargs),
}
