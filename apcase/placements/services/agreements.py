"""Agreements to the plan as it stands (its current version), and the moment an
emergency placement's full plan is agreed.

Rules (docs/regulations.md, "Agreement to a placement plan"):
- The school's agreement is recorded by whoever plans the placement, with the name of
  the person at the school who agreed.
- A parent's or carer's agreement is given by one of the pupil's own carers with
  parental responsibility, picked from the pupil record (never a typed name), with when
  and how: in person, by phone, or on a signed form, which is uploaded.
- A part-time plan (the plan says the pupil is on a part-time timetable) needs the agreement
  of a parent or carer the pupil lives with.
- The provider agrees itself: a current user of the placement's provider, in apcase
  (`record_provider_agreement`); the school cannot record it for them.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.errors import ValidationFailed
from apcase.core.uploads import store_upload
from apcase.pupils.models import Carer

from ..audit import PlacementAction
from ..models import Placement, PlacementAgreement
from ..plan import is_part_time
from .common import _locked_for_planning, record_change

P = PlacementAgreement.Party
HOW = PlacementAgreement.How


@dataclass(frozen=True)
class AgreementDetails:
    """Who agreed for the school or the family, when and how. `agreed_by_name` is the
    school's person; `carer`, `how` and `signed_form` (an upload) the family's."""

    party: str
    agreed_on: datetime.date | None
    agreed_by_name: str = ""
    carer: Carer | None = None
    how: str = ""
    signed_form: Any = None

    @classmethod
    def take_from(cls, values: dict[str, Any]) -> "AgreementDetails":
        return cls(
            party=values.get("party") or "",
            agreed_on=values.get("agreed_on"),
            agreed_by_name=values.get("agreed_by_name") or "",
            carer=values.get("carer"),
            how=values.get("how") or "",
            signed_form=values.get("signed_form"),
        )


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, {field: [message]})


def _check_date(agreed_on: datetime.date | None) -> datetime.date:
    if agreed_on is None or agreed_on > timezone.localdate():
        raise _refuse("agreed_on", "Enter the date they agreed (not in the future).")
    return agreed_on


def _check_carer(placement: Placement, details: AgreementDetails) -> Carer:
    carer = details.carer
    if carer is None or carer.pupil_id != placement.pupil_id:
        raise _refuse("carer", "Choose which of the pupil's parents or carers agreed.")
    if not carer.parental_responsibility:
        raise _refuse(
            "carer",
            f"{carer.name} does not have parental responsibility: choose a parent or carer "
            "who does.",
        )
    if is_part_time(placement) and not carer.lives_with_pupil:
        raise _refuse(
            "carer",
            f"This plan is part time, so a parent or carer the pupil lives with must agree "
            f"to it. {carer.name} does not live with the pupil.",
        )
    if details.how not in HOW.values:
        raise _refuse("how", "Choose how they agreed.")
    if details.how == HOW.SIGNED_FORM and details.signed_form is None:
        raise _refuse("signed_form", "Upload the signed form.")
    return carer


def _stored_form(details: AgreementDetails) -> dict[str, str]:
    if details.how != HOW.SIGNED_FORM or details.signed_form is None:
        return {}
    stored, kind, original = store_upload(
        details.signed_form, folder="agreements", field="signed_form"
    )
    return {
        "signed_form_path": stored,
        "signed_form_name": original,
        "signed_form_extension": kind.extension,
    }


def _check_new(placement: Placement, party: str) -> None:
    if placement.agreements.filter(party=party, plan_version=placement.plan_version).exists():
        raise ValidationFailed("That agreement is already recorded for this version of the plan.")


@transaction.atomic
def record_agreement(
    placement: Placement, *, by: User, details: AgreementDetails
) -> PlacementAgreement:
    """Record that the school, or a parent or carer, agreed to the plan as it stands now
    (its current version). The provider agrees for itself (record_provider_agreement)."""
    placement = _locked_for_planning(placement, by)
    if details.party == P.PROVIDER:
        raise _refuse("party", "The provider agrees to the plan itself, from its placement page.")
    if details.party not in (P.SCHOOL, P.PARENT):
        raise _refuse("party", "Choose who agreed.")
    agreed_on = _check_date(details.agreed_on)
    fields: dict[str, Any] = {}
    if details.party == P.SCHOOL:
        if not details.agreed_by_name.strip():
            raise _refuse(
                "agreed_by_name", "Enter the name of the person at the school who agreed."
            )
        fields["agreed_by_name"] = details.agreed_by_name.strip()
    else:
        carer = _check_carer(placement, details)
        fields.update(agreed_by_name=carer.name, carer=carer, how=details.how)
    _check_new(placement, details.party)
    fields.update(_stored_form(details))
    agreement = PlacementAgreement.objects.create(
        placement=placement,
        party=details.party,
        agreed_on=agreed_on,
        plan_version=placement.plan_version,
        recorded_by=by,
        **fields,
    )
    _audit(placement, agreement, by)
    return agreement


@transaction.atomic
def record_provider_agreement(placement: Placement, *, by: User) -> PlacementAgreement:
    """The provider agrees to the plan as it stands now: one of its current users,
    today, in their own name."""
    placement = _locked_for_planning(
        placement,
        by,
        may=policies.can_agree_plan_as_provider,
        refused="Only the placement's provider can agree to the plan as the provider.",
    )
    _check_new(placement, P.PROVIDER)
    agreement = PlacementAgreement.objects.create(
        placement=placement,
        party=P.PROVIDER,
        agreed_by_name=by.full_name or by.email,
        agreed_by_user=by,
        agreed_on=timezone.localdate(),
        plan_version=placement.plan_version,
        recorded_by=by,
    )
    _audit(placement, agreement, by)
    return agreement


def _audit(placement: Placement, agreement: PlacementAgreement, by: User) -> None:
    how = f" ({agreement.get_how_display().lower()})" if agreement.how else ""
    record_change(
        by,
        placement,
        PlacementAction.PLAN_AGREED,
        f"Plan version {placement.plan_version} agreed by the "
        f"{agreement.get_party_display().lower()}: {agreement.agreed_by_name}{how}",
        {"agreement": [None, agreement.party]},
    )
    _note_emergency_plan_agreed(placement, by)


def _note_emergency_plan_agreed(placement: Placement, by: User) -> None:
    """An emergency placement is watched every weekday session until its full plan is
    agreed; from the day nothing is missing any more, its timetable decides."""
    from ..plan import missing_before_start

    if not placement.is_emergency or placement.full_plan_agreed_on is not None:
        return
    if missing_before_start(placement):
        return
    placement.full_plan_agreed_on = timezone.localdate()
    placement.save(update_fields=["full_plan_agreed_on", "updated_at"])
    record_change(
        by,
        placement,
        PlacementAction.EMERGENCY_PLAN_AGREED,
        "The emergency placement's full plan is agreed: its timetable now decides which "
        "sessions the pupil is expected at the provider",
        {"full_plan_agreed_on": [None, placement.full_plan_agreed_on.isoformat()]},
    )
