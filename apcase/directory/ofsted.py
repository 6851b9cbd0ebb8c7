"""Ofsted's two grading scales, kept apart. Legacy single-word grades are history (they
ended in September 2024); report cards (from 10 November 2025) grade each area on a
five-point scale and judge safeguarding separately as met or not met. A record is on
exactly one scale, and the directory never compares grades across scales."""

from django.db import models


class Scale(models.TextChoices):
    LEGACY = "legacy", "Overall effectiveness (before September 2024)"
    REPORT_CARD = "report_card", "Report card (from November 2025)"


class LegacyGrade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class ReportCardGrade(models.TextChoices):
    EXCEPTIONAL = "exceptional", "Exceptional"
    STRONG = "strong", "Strong standard"
    EXPECTED = "expected", "Expected standard"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    URGENT_IMPROVEMENT = "urgent_improvement", "Urgent improvement"


# Areas a report card grades. Early years and sixth form apply only where a setting has
# them, so every area is optional on a record; at least one must be graded.
REPORT_CARD_AREAS: dict[str, str] = {
    "inclusion": "Inclusion",
    "curriculum_and_teaching": "Curriculum and teaching",
    "achievement": "Achievement",
    "attendance_and_behaviour": "Attendance and behaviour",
    "personal_development": "Personal development and well-being",
    "early_years": "Early years",
    "sixth_form": "Sixth form",
    "leadership_and_governance": "Leadership and governance",
}

# GIAS "OfstedRating (name)" values that are legacy grades, keyed in lower case (GIAS
# is not consistent about capitals). "Special Measures" and "Serious Weaknesses" are
# the two categories of concern within the Inadequate grade (Education Act 2005 s44),
# so they are Inadequate grades, not "no grade". Anything else (e.g. "Not yet
# inspected", "Insufficient evidence") is no grade at all.
GIAS_LEGACY_GRADES: dict[str, str] = {
    "outstanding": LegacyGrade.OUTSTANDING,
    "good": LegacyGrade.GOOD,
    "requires improvement": LegacyGrade.REQUIRES_IMPROVEMENT,
    "inadequate": LegacyGrade.INADEQUATE,
    "special measures": LegacyGrade.INADEQUATE,
    "serious weaknesses": LegacyGrade.INADEQUATE,
}


def legacy_grade_from_gias(text: str) -> str:
    """The legacy grade a GIAS "OfstedRating (name)" value means; "" for none."""
    return GIAS_LEGACY_GRADES.get(" ".join(text.split()).lower(), "")
