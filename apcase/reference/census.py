"""Code lists the school census uses, kept in one place so forms, imports, exports and
reports agree. Labels follow the DfE census guide; the exclusion reason list is the
2023/24 one (DfE school census code set CS036; confirm it against the current census
guide before each census and change it here only)."""

from django.db import models


class Sex(models.TextChoices):
    """Sex as the school census records it."""

    FEMALE = "F", "Female"
    MALE = "M", "Male"


class NCYear(models.TextChoices):
    """National curriculum year group (census 'NC year actual')."""

    N1 = "N1", "Nursery 1"
    N2 = "N2", "Nursery 2"
    R = "R", "Reception"
    Y1 = "1", "Year 1"
    Y2 = "2", "Year 2"
    Y3 = "3", "Year 3"
    Y4 = "4", "Year 4"
    Y5 = "5", "Year 5"
    Y6 = "6", "Year 6"
    Y7 = "7", "Year 7"
    Y8 = "8", "Year 8"
    Y9 = "9", "Year 9"
    Y10 = "10", "Year 10"
    Y11 = "11", "Year 11"
    Y12 = "12", "Year 12"
    Y13 = "13", "Year 13"
    Y14 = "14", "Year 14"
    X = "X", "Outside the national curriculum"


class SENStatus(models.TextChoices):
    """Census SEN provision: N none, K SEN support, E education, health and care plan."""

    NONE = "N", "No special educational needs"
    SEN_SUPPORT = "K", "SEN support"
    EHC_PLAN = "E", "Education, health and care plan"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class ExclusionKind(models.TextChoices):
    SUSPENSION = "suspension", "Suspension"
    PERMANENT = "permanent", "Permanent exclusion"


class ExclusionReason(models.TextChoices):
    PP = "PP", "Physical assault against a pupil"
    PA = "PA", "Physical assault against an adult"
    VP = "VP", "Verbal abuse or threatening behaviour against a pupil"
    VA = "VA", "Verbal abuse or threatening behaviour against an adult"
    OW = "OW", "Use or threat of use of an offensive weapon or prohibited item"
    BU = "BU", "Bullying"
    RA = "RA", "Racist abuse"
    LG = "LG", "Abuse against sexual orientation or gender identity"
    DS = "DS", "Abuse relating to disability"
    SM = "SM", "Sexual misconduct"
    DA = "DA", "Drug and alcohol related"
    DB = "DB", "Persistent or general disruptive behaviour"
    MT = "MT", "Inappropriate use of social media or online technology"
    DM = "DM", "Damage"
    TH = "TH", "Theft"


MAX_EXCLUSION_REASONS = 3
# A pupil may be suspended for at most 45 school days in a school year (DfE suspension
# and permanent exclusion guidance); a lunchtime counts as half a day.
MAX_SUSPENSION_DAYS_PER_YEAR = 45
# From the 6th consecutive school day of exclusion, however many suspensions make up
# the run (school), or of a permanent exclusion (LA), full-time education must be
# provided (SI 2007/1870 as amended by SI 2014/3216; see exclusion_days.py).
PROVISION_FROM_SCHOOL_DAY = 6


# --- Alternative provision placements arranged by schools (a school census module,
# mandatory from 2022/23): one record per placement in the collection period. ---------


class CensusTerm(models.TextChoices):
    """The three school censuses of a school year."""

    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


# Census day: the autumn census is on the first Thursday of October, the spring census
# on the third Thursday of January, the summer census on the third Thursday of May
# (DfE school census guide, "Census dates"). As (month, which Thursday).
CENSUS_DAY_RULE: dict[str, tuple[int, int]] = {
    CensusTerm.AUTUMN: (10, 1),
    CensusTerm.SPRING: (1, 3),
    CensusTerm.SUMMER: (5, 3),
}


class APPlacementReason(models.TextChoices):
    """The census item "primary reason for placement": why the placement was
    commissioned (for a pupil who was permanently excluded and has a health need, the
    exclusion), not the pupil's needs. The codes here are apcase's own short codes for
    the guide's categories; confirm them against the current census code set before
    each return and change them here only."""

    PERMANENT_EXCLUSION = "PEX", "Permanent exclusion"
    SUSPENSION = "SUS", "Suspension (provision from the sixth day)"
    BEHAVIOUR = "BEH", "To improve behaviour (off-site direction)"
    HEALTH = "HEA", "Health needs (physical or mental)"
    SEND = "SEN", "Special educational needs"
    NO_SCHOOL_PLACE = "NSP", "No school place"
    OTHER = "OTH", "Other reason"


class APAttendancePattern(models.TextChoices):
    """The census item "attendance pattern": full time or part time at the placement."""

    FULL_TIME = "FT", "Full time"
    PART_TIME = "PT", "Part time"


# Ten sessions (five days, morning and afternoon) make a full-time week.
FULL_TIME_SESSIONS_PER_WEEK = 10
