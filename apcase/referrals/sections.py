"""The sections of the written application, as the task list shows them. A section's
status is worked out from what has been written, so it can never disagree with it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import consent
from .models import Referral

NOT_STARTED = "Not yet started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
CANNOT_START = "Cannot start yet"


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]
    complete: Callable[[Any], bool]
    hint: str = ""

    def started(self, referral: Referral) -> bool:
        if self.slug == "interventions":
            return has_interventions(referral) or referral.interventions_complete
        if self.slug == "documents":
            return has_documents(referral) or referral.documents_complete
        return any(getattr(referral, f) not in ("", None) for f in self.fields)

    def status(self, referral: Referral) -> str:
        if self.complete(referral):
            return COMPLETED
        return IN_PROGRESS if self.started(referral) else NOT_STARTED


def has_interventions(referral: Referral) -> bool:
    """Whether any intervention is recorded: annotated `has_interventions` where a list
    of referrals read it in its one query (the home page's drafts), else asked now."""
    found = getattr(referral, "has_interventions", None)
    return referral.interventions.exists() if found is None else bool(found)


def has_documents(referral: Referral) -> bool:
    """Whether any supporting document is attached (as `has_interventions`)."""
    found = getattr(referral, "has_documents", None)
    return referral.documents.exists() if found is None else bool(found)


def _filled(referral: Referral, *names: str) -> bool:
    return all(str(getattr(referral, name) or "").strip() for name in names)


def _consent_complete(referral: Referral) -> bool:
    return not consent.referral_problems(referral)


SECTIONS: tuple[Section, ...] = (
    Section(
        "reason",
        "Reason for referral",
        ("reason", "reason_description"),
        lambda r: _filled(r, "reason", "reason_description"),
    ),
    Section(
        "interventions",
        "What the school has already tried",
        (),
        lambda r: r.interventions_complete and has_interventions(r),
        "Interventions, their dates and outcomes (the graduated response).",
    ),
    Section(
        "attendance",
        "Attendance and exclusions",
        ("attendance_summary", "exclusions_summary"),
        lambda r: _filled(r, "attendance_summary", "exclusions_summary"),
    ),
    Section(
        "send-health",
        "SEND and health",
        ("send_summary", "health_summary"),
        lambda r: _filled(r, "send_summary", "health_summary"),
    ),
    Section(
        "parent-views",
        "Parent and carer views and consent",
        (
            "parent_views",
            "parent_views_gathered_how",
            "parent_views_gathered_on",
            *consent.CONSENT_FIELDS,
        ),
        lambda r: (
            _filled(r, "parent_views", "parent_views_gathered_how", "parent_views_gathered_on")
            and _consent_complete(r)
        ),
    ),
    Section(
        "child-voice",
        "The child's voice",
        ("child_voice", "child_voice_gathered_how"),
        lambda r: _filled(r, "child_voice", "child_voice_gathered_how"),
    ),
    Section(
        "provision",
        "Provision sought",
        ("provision_sought", "preferred_provider"),
        lambda r: _filled(r, "provision_sought"),
    ),
    Section(
        "documents",
        "Supporting documents",
        (),
        lambda r: r.documents_complete and has_documents(r),
    ),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def incomplete_sections(referral: Referral) -> list[Section]:
    return [section for section in SECTIONS if not section.complete(referral)]
