from apcase.access.policies import BOARD_LA_ROLES, BOARD_SCHOOL_ROLES
from apcase.access.testing import Expect

EXPECTATIONS = {
    # The school's inclusion lead, headteacher and DSL; the LA's officers and panel
    # chair (policies.can_view_compliance_board says why no one else).
    "oversight:board": Expect(roles=BOARD_SCHOOL_ROLES | BOARD_LA_ROLES),
    # The board's rows as a file: the same people, the code asked for again.
    "oversight:board_export": Expect(roles=BOARD_SCHOOL_ROLES | BOARD_LA_ROLES),
    "oversight:board_export_xlsx": Expect(roles=BOARD_SCHOOL_ROLES | BOARD_LA_ROLES),
}
