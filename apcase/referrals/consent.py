"""Consent to share a referral, and the rules for sharing without it.

- With consent: who gave it, when, and how it was recorded.
- Without it (a parent refused, or it was not obtained): the reason, and a lawful basis
  for sharing all the same (UK GDPR Article 6(1)(e) public task, safeguarding under the
  Data Protection Act 2018, or vital interests), explained in a sentence or two.
- When a parent refused: who told the parents that the information is shared, when and
  how. The DfE's "Information sharing" advice (2024) says to tell them unless that would
  put the child at risk; if so, the referral says why instead (`parents_told_how`).

The same rules decide whether the section is complete, refuse a section that breaks them
(`services.update_section`) and refuse a submission that breaks them
(`workflow.submit_referral`), so no referral reaches the panel without them.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .models import Referral

C = Referral.Consent

CONSENT_FIELDS = (
    "consent",
    "consent_given_by",
    "consent_given_on",
    "consent_recorded_how",
    "consent_not_obtained_reason",
    "sharing_basis",
    "sharing_basis_detail",
    "parents_told_by",
    "parents_told_on",
    "parents_told_how",
)
GIVEN_FIELDS = ("consent_given_by", "consent_given_on", "consent_recorded_how")
WITHOUT_FIELDS = ("consent_not_obtained_reason", "sharing_basis", "sharing_basis_detail")
TOLD_FIELDS = ("parents_told_by", "parents_told_on", "parents_told_how")

MESSAGES = {
    "consent": "Choose whether consent to share was given.",
    "consent_given_by": "Enter who gave consent.",
    "consent_given_on": "Enter when consent was given.",
    "consent_recorded_how": "Enter how consent was recorded.",
    "consent_not_obtained_reason": "Enter why consent was refused or not obtained.",
    "sharing_basis": "Choose the lawful basis for sharing without consent.",
    "sharing_basis_detail": "Explain why sharing without consent is necessary.",
    "parents_told_by": "Enter who told the parents that the information is being shared.",
    "parents_told_on": "Enter when the parents were told.",
    "parents_told_how": "Enter how the parents were told.",
}


def _blank(value: Any) -> bool:
    return value is None or not str(value).strip()


def required_fields(consent: str) -> tuple[str, ...]:
    """The fields a consent answer needs filled in."""
    if consent == C.GIVEN:
        return GIVEN_FIELDS
    if consent == C.NOT_OBTAINED:
        return WITHOUT_FIELDS
    if consent == C.REFUSED:
        return WITHOUT_FIELDS + TOLD_FIELDS
    return ("consent",)


def problems(get: Callable[[str], Any], *, new: bool = False) -> dict[str | None, list[str]]:
    """What is missing or wrong in a consent answer, by field (empty when none).
    `get` reads a field: from a referral (`getattr`) or from a form's values. Dates in
    the future are refused only in a `new` answer: a recorded one stays complete
    whatever today is."""
    errors: dict[str | None, list[str]] = {}
    for name in required_fields(get("consent") or ""):
        if _blank(get(name)):
            errors[name] = [MESSAGES[name]]
    basis = get("sharing_basis")
    if not _blank(basis) and basis not in Referral.SharingBasis.values:
        errors["sharing_basis"] = [MESSAGES["sharing_basis"]]
    for name in ("consent_given_on", "parents_told_on") if new else ():
        value = get(name)
        if isinstance(value, datetime.date) and value > timezone.localdate():
            errors[name] = ["The date cannot be in the future."]
    return errors


def referral_problems(referral: Referral) -> dict[str | None, list[str]]:
    return problems(lambda name: getattr(referral, name))


def cleared(values: dict[str, Any]) -> dict[str, Any]:
    """The values with the fields the consent answer does not use emptied, so a referral
    never keeps a lawful basis for sharing with consent, or a stale consent record."""
    keep = set(required_fields(values.get("consent") or ""))
    out = dict(values)
    for name in CONSENT_FIELDS[1:]:
        if name in out and name not in keep:
            out[name] = None if name.endswith("_on") else ""
    return out
