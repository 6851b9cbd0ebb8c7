from apcase.access.testing import Expect
from apcase.accounts.roles import Role
from apcase.placements.tests.access_expectations import placement_kwargs

CENSUS_TEAM = frozenset({Role.INCLUSION_LEAD, Role.HEADTEACHER, Role.SCHOOL_ADMIN})

EXPECTATIONS = {
    "census:return": Expect(roles=CENSUS_TEAM),
    # The walk's placement has no primary reason yet: the download sends the census
    # team back to the return's list of problems.
    "census:export": Expect(roles=CENSUS_TEAM, ok=302),
    "census:placement": Expect(roles=CENSUS_TEAM, kwargs=placement_kwargs),
}
