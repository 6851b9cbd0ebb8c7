"""The DfE attendance codes, as data: every rule about a code (does it count as a
possible session, as present, does it need a same-day follow-up) is read from here.

Source: School Attendance (Pupil Registration) (England) Regulations 2024 and "Working
together to improve school attendance" (2024), as summarised in REGULATIONS.md.
Attendance % = present-or-attending sessions / possible sessions; persistent absence is
10% or more of possible sessions missed, severe absence 50% or more."""

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


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
    # The child is absent and nobody has said why: someone must find out today.
    needs_follow_up: bool = False
    # Which codes the provider may enter on its register. B, K and D are the home
    # school's codes for a session at the provider, derived from the placement.
    provider_may_use: bool = True

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
    AttendanceCode("B", "Attending other approved educational activity", C.ATTENDING, False, False),
    AttendanceCode(
        "K", "Attending provision arranged by the local authority", C.ATTENDING, False, False
    ),
    AttendanceCode("V", "Educational visit or trip", C.ATTENDING),
    AttendanceCode("P", "Approved sporting activity", C.ATTENDING),
    AttendanceCode("W", "Work experience", C.ATTENDING),
    AttendanceCode("D", "Dual registered: at the other school", C.NOT_POSSIBLE, False, False),
    AttendanceCode("C1", "Leave: regulated performance or employment abroad", C.AUTHORISED),
    AttendanceCode("M", "Leave: medical or dental appointment", C.AUTHORISED),
    AttendanceCode("J1", "Leave: interview", C.AUTHORISED),
    AttendanceCode("S", "Leave: study leave", C.AUTHORISED),
    AttendanceCode("C2", "Leave: part-time timetable", C.AUTHORISED),
    AttendanceCode("C", "Leave: exceptional circumstances", C.AUTHORISED),
    AttendanceCode("T", "Parent travelling for work", C.AUTHORISED),
    AttendanceCode("R", "Religious observance", C.AUTHORISED),
    AttendanceCode("I", "Illness", C.AUTHORISED),
    AttendanceCode("E", "Suspended or excluded, no alternative provision", C.AUTHORISED),
    AttendanceCode("G", "Holiday not granted by the school", C.UNAUTHORISED),
    AttendanceCode("N", "Reason not yet known", C.UNAUTHORISED, True),
    AttendanceCode("O", "Absent, other unauthorised reason", C.UNAUTHORISED, True),
    AttendanceCode("U", "Arrived after the register closed", C.UNAUTHORISED),
    AttendanceCode("X", "Not of compulsory school age", C.NOT_POSSIBLE),
    AttendanceCode("Y1", "Unavoidable: transport not available", C.NOT_POSSIBLE),
    AttendanceCode("Y2", "Unavoidable: widespread travel disruption", C.NOT_POSSIBLE),
    AttendanceCode("Y3", "Unavoidable: part of the premises closed", C.NOT_POSSIBLE),
    AttendanceCode("Y4", "Unavoidable: whole site closed", C.NOT_POSSIBLE),
    AttendanceCode("Y5", "Unavoidable: in criminal justice detention", C.NOT_POSSIBLE),
    AttendanceCode("Y6", "Unavoidable: public health guidance or law", C.NOT_POSSIBLE),
    AttendanceCode("Y7", "Unavoidable: any other", C.NOT_POSSIBLE),
    AttendanceCode("Q", "Lack of access arrangements", C.NOT_POSSIBLE),
    AttendanceCode("Z", "Prospective pupil not on the admission register", C.NOT_POSSIBLE),
    AttendanceCode("#", "Planned whole-school closure", C.NOT_POSSIBLE),
]
BY_CODE: dict[str, AttendanceCode] = {c.code: c for c in CODES}
PROVIDER_CODES: list[AttendanceCode] = [c for c in CODES if c.provider_may_use]

PERSISTENT_ABSENCE = Fraction(1, 10)
SEVERE_ABSENCE = Fraction(1, 2)


def get(code: str) -> AttendanceCode:
    return BY_CODE[code]


def provider_choices() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in PROVIDER_CODES]
