"""Writes for daily monitoring: registers, same-day follow-ups, check-ins, visits.

Rules:
- A provider marks only pupils expected this session in an active placement with it;
  anyone else is refused whole (nothing is written).
- Marks are append-only: a correction, or a mark entered after the register's cut-off,
  needs a reason and is a new row; the old row is kept and marked superseded.
- A provider records what it observed; only the home school codes an absence
  (code_absence: a new row, the provider's kept). A pupil dual registered at the
  provider is D for the home school whatever happened, so is never coded there.
- A pupil marked absent with no reason given (codes.NEEDS_FOLLOW_UP), or missing from a
  register after its cut-off (check_registers), makes a follow-up task for the named
  staff member and emails them and the school's DSL at once. A task is closed with who
  was contacted and where the child is.
- A check-in scoring 1 or 2, or falling by 2 points since the last one, alerts the
  named staff member.

The functions live in modules by subject (alerts, registers, check_ins, visits, coding);
this package re-exports them, so callers import `apcase.monitoring.services` as before."""

from .alerts import FOLLOW_UP_RAISED
from .check_ins import ChildVoice, record_check_in
from .coding import code_absence
from .registers import RegisterResult, check_registers, submit_register
from .visits import schedule_visit

__all__ = [
    "ChildVoice",
    "FOLLOW_UP_RAISED",
    "RegisterResult",
    "check_registers",
    "code_absence",
    "record_check_in",
    "schedule_visit",
    "submit_register",
]
