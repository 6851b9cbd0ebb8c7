from typing import Any

from apcase.access.policies import (
    BOARD_LA_ROLES,
    BOARD_SCHOOL_ROLES,
    DASHBOARD_LA_ROLES,
    DASHBOARD_SCHOOL_ROLES,
)
from apcase.access.testing import Expect


def figure_kwargs(world: Any, own: bool) -> dict[str, str]:
    """A figure's download; the figures are the reader's own, so "another's" is a
    figure that does not exist (not found, like another organisation's record)."""
    return {"figure": "by-provider" if own else "no-such-figure"}


EXPECTATIONS = {
    # The school's inclusion lead, headteacher and DSL; the LA's officers and panel
    # chair (policies.can_view_compliance_board says why no one else).
    "oversight:board": Expect(roles=BOARD_SCHOOL_ROLES | BOARD_LA_ROLES),
    # The board's rows as a file: the same people, the code asked for again.
    "oversight:board_export": Expect(roles=BOARD_SCHOOL_ROLES | BOARD_LA_ROLES),
    "oversight:board_export_xlsx": Expect(roles=BOARD_SCHOOL_ROLES | BOARD_LA_ROLES),
    # The outcome dashboard: the school's inclusion lead and headteacher, the LA's
    # officers (policies.can_view_outcome_dashboard says why no one else).
    "oversight:outcomes": Expect(roles=DASHBOARD_SCHOOL_ROLES | DASHBOARD_LA_ROLES),
    "oversight:outcomes_export": Expect(
        roles=DASHBOARD_SCHOOL_ROLES | DASHBOARD_LA_ROLES, kwargs=figure_kwargs
    ),
}
