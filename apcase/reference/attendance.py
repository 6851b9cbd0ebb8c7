"""The DfE attendance codes, as data: every rule about a code (does it count as a
possible session, as present) is read from here; and what a provider may record.

Sources: the School Attendance (Pupil Registration) (England) Regulations 2024
(SI 2024/208), reg 11 and the attendance and absence codes in its Schedule; "Working
together to improve school attendance" (DfE, 2024). Attendance % = present-or-attending
sessions / possible sessions; persistent absence is 10% or more of possible sessions
missed, severe absence 50% or more.

Who records what:
- Only the home school grants leave or authorises an absence (reg 11), so a provider
  never enters a statutory code. It records what it observed (`Observation`): present,
  late (with minutes), left early, or absent with what it was told.
- The home school's code for a session at the provider is derived (`home_code`): `D`
  for every session of a pupil dual registered at the provider (that school records
  the attendance), else `B` (school-arranged) or `K` (LA-arranged) when the pupil was
  there, else the code the school chose for the absence, and `N` until it chooses."""

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from django.db import models


class Session(models.TextChoices):
    """The two sessions of a school day: a register is taken for each, and a placement's
    weekly timetable is made of them."""

    AM = "am", "Morning"
    PM = "pm", "Afternoon"


class Weekday(models.IntegerChoices):
    """The days of the school week, numbered as `date.weekday()` numbers them."""

    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


# Every half-day of the school week, as (weekday, session): what a timetable chooses from.
WEEK_SESSIONS: frozenset[tuple[int, str]] = frozenset(
    (day, session) for day in Weekday.values for session in Session.values
)


class Category(StrEnum):
    PRESENT = "present"
    ATTENDING = "attending"  # approved educational activity off-site: counts as present
    AUTHORISED = "authorised"
    UNAUTHORISED = "unauthorised"
    NOT_POSSIBLE = "not_possible"


@dataclass(frozen=True)
class AttendanceCode:
    code: str
    meaning: str
    category: Category
    # May the home school choose this code for an absence the provider reported?
    # Never a present code, and never D (derived from the placement) or N (the
    # placeholder until the school decides).
    for_absence: bool = False

    @property
    def is_possible(self) -> bool:
        return self.category != Category.NOT_POSSIBLE

    @property
    def is_present(self) -> bool:
        return self.category in (Category.PRESENT, Category.ATTENDING)

    @property
    def label(self) -> str:
        return f"{self.code} – {self.meaning}"


C = Category
CODES: list[AttendanceCode] = [
    AttendanceCode("/", "Present", C.PRESENT),
    AttendanceCode("L", "Late, arrived before the register closed", C.PRESENT),
    AttendanceCode("B", "Attending other approved educational activity", C.ATTENDING),
    AttendanceCode("K", "Attending provision arranged by the local authority", C.ATTENDING),
    AttendanceCode("V", "Educational visit or trip", C.ATTENDING),
    AttendanceCode("P", "Approved sporting activity", C.ATTENDING),
    AttendanceCode("W", "Work experience", C.ATTENDING),
    AttendanceCode("D", "Dual registered: at the other school", C.NOT_POSSIBLE),
    AttendanceCode("C1", "Leave: regulated performance or employment abroad", C.AUTHORISED, True),
    AttendanceCode("M", "Leave: medical or dental appointment", C.AUTHORISED, True),
    AttendanceCode("J1", "Leave: interview", C.AUTHORISED, True),
    AttendanceCode("S", "Leave: study leave", C.AUTHORISED, True),
    AttendanceCode("C2", "Leave: part-time timetable", C.AUTHORISED, True),
    AttendanceCode("C", "Leave: exceptional circumstances", C.AUTHORISED, True),
    AttendanceCode("T", "Parent travelling for work", C.AUTHORISED, True),
    AttendanceCode("R", "Religious observance", C.AUTHORISED, True),
    AttendanceCode("I", "Illness", C.AUTHORISED, True),
    AttendanceCode("E", "Suspended or excluded, no alternative provision", C.AUTHORISED, True),
    AttendanceCode("G", "Holiday not granted by the school", C.UNAUTHORISED, True),
    AttendanceCode("N", "Reason not yet known", C.UNAUTHORISED),
    AttendanceCode("O", "Absent, other unauthorised reason", C.UNAUTHORISED, True),
    AttendanceCode("U", "Arrived after the register closed", C.UNAUTHORISED, True),
    AttendanceCode("X", "Not of compulsory school age", C.NOT_POSSIBLE, True),
    AttendanceCode("Y1", "Unavoidable: transport not available", C.NOT_POSSIBLE, True),
    AttendanceCode("Y2", "Unavoidable: widespread travel disruption", C.NOT_POSSIBLE, True),
    AttendanceCode("Y3", "Unavoidable: part of the premises closed", C.NOT_POSSIBLE, True),
    AttendanceCode("Y4", "Unavoidable: whole site closed", C.NOT_POSSIBLE, True),
    AttendanceCode("Y5", "Unavoidable: in criminal justice detention", C.NOT_POSSIBLE, True),
    AttendanceCode("Y6", "Unavoidable: public health guidance or law", C.NOT_POSSIBLE, True),
    AttendanceCode("Y7", "Unavoidable: any other", C.NOT_POSSIBLE, True),
    AttendanceCode("Q", "Lack of access arrangements", C.NOT_POSSIBLE, True),
    AttendanceCode("Z", "Prospective pupil not on the admission register", C.NOT_POSSIBLE, True),
    AttendanceCode("#", "Planned whole-school closure", C.NOT_POSSIBLE, True),
]
BY_CODE: dict[str, AttendanceCode] = {c.code: c for c in CODES}
ABSENCE_CODES: list[AttendanceCode] = [c for c in CODES if c.for_absence]

PERSISTENT_ABSENCE = Fraction(1, 10)
SEVERE_ABSENCE = Fraction(1, 2)


def get(code: str) -> AttendanceCode:
    return BY_CODE[code]


def absence_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The codes the home school may give an absence, grouped for the coding page."""
    groups = [
        ("Authorised absence", Category.AUTHORISED),
        ("Unauthorised absence", Category.UNAUTHORISED),
        ("Not a possible session", Category.NOT_POSSIBLE),
    ]
    return [
        (title, [(c.code, c.label) for c in ABSENCE_CODES if c.category == category])
        for title, category in groups
    ]


# --- what a provider records --------------------------------------------------------


class Observation(models.TextChoices):
    """What the provider saw, or was told, for one session."""

    PRESENT = "present", "Present"
    LATE = "late", "Late (give the minutes)"
    LEFT_EARLY = "left_early", "Left early"
    ABSENT_ILLNESS = "absent_illness", "Absent – parent or carer reported illness"
    ABSENT_MEDICAL = "absent_medical", "Absent – parent or carer reported a medical appointment"
    ABSENT_NO_REASON = "absent_no_reason", "Absent – no reason given"


# The pupil was at the provider for (some of) the session.
ATTENDED: frozenset[str] = frozenset(
    {Observation.PRESENT, Observation.LATE, Observation.LEFT_EARLY}
)
ABSENT: frozenset[str] = frozenset(Observation.values) - ATTENDED
# Nobody has said why the child is not there: the named staff member finds out today.
NEEDS_FOLLOW_UP: frozenset[str] = frozenset({Observation.ABSENT_NO_REASON})
# Register shorthand still accepted for an observation (never for a school decision).
SHORTHAND: dict[str, str] = {
    "/": Observation.PRESENT,
    "L": Observation.LATE,
    "N": Observation.ABSENT_NO_REASON,
}


def observation_label(observed: str, minutes_late: int | None = None) -> str:
    """The observation in words, without the form's hint; "" for none (a mark kept from
    before providers recorded observations)."""
    if observed not in Observation.values:
        return ""
    if observed == Observation.LATE and minutes_late:
        return f"Late ({minutes_late} minutes)"
    return Observation(observed).label.split(" (")[0]


def home_code(
    observed: str, school_code: str, *, dual_registered: bool, arranged_by_la: bool
) -> str:
    """The home school's statutory code for one session at the provider.

    observed: the provider's Observation ("" for a mark kept from before providers
    recorded observations); school_code: the code the home school gave ("" if none)."""
    if dual_registered:
        return "D"
    if observed in ATTENDED:
        return "K" if arranged_by_la else "B"
    if school_code:
        return school_code
    return "N"
