"""Writes to a placement's plan (status changes are in workflow.py).

Every change to the plan — dates, site, named staff member, timetable, objectives —
makes a new version of it, so an agreement recorded earlier no longer covers it and has
to be given again before the placement can start. The plan of an ended placement is
history and cannot change."""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.chronology.services import Changes, record_event
from apcase.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed

from .audit import ALERT_ACTIONS, PlacementAction
from .models import Placement, PlacementAgreement, PlacementObjective, PlacementSession

logger = logging.getLogger(__name__)


def max_length() -> datetime.timedelta:
    """The longest a placement may be planned for (settings.APCASE_PLACEMENT_MAX_YEARS):
    alternative provision is time-limited, and a date decades away is a typing slip."""
    years = int(getattr(settings, "APCASE_PLACEMENT_MAX_YEARS", 3))
    return datetime.timedelta(days=365 * years)


def _locked_for_planning(placement: Placement, by: User) -> Placement:
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("pupil", "pupil__school", "pupil__school__local_authority", "provider")
        .get(pk=placement.pk)
    )
    if not policies.can_plan_placement(by, placement):
        raise NotPermitted("You cannot change this placement's plan.")
    if placement.status == Placement.Status.ENDED:
        raise TransitionNotAllowed("This placement has ended: its plan is kept as it was.")
    return placement


def _record(
    by: User, placement: Placement, action: PlacementAction, summary: str, changes: Changes
) -> None:
    record_event(
        by=by,
        action=action,
        target=placement,
        organisation=placement.pupil.school,
        pupil_id=placement.pupil_id,
        summary=summary,
        changes=changes,
    )


def _new_version(placement: Placement, fields: list[str]) -> None:
    placement.plan_version += 1
    placement.save(update_fields=[*fields, "plan_version", "updated_at"])


PLAN_FIELDS = (
    "site",
    "planned_end_date",
    "named_staff_member",
    "transport",
    "funding",
    "dual_registered",
    "dual_registration_reason",
)


@transaction.atomic
def update_plan(
    placement: Placement,
    *,
    by: User,
    site: str,
    planned_end_date: datetime.date | None,
    named_staff_member: User,
    transport: str,
    funding: str,
    dual_registered: bool,
    dual_registration_reason: str = "",
) -> Placement:
    """A pupil placed at a PRU or AP academy is dual registered there (plan.
    dual_registration_expected); a plan that says otherwise records why."""
    from .plan import dual_registration_expected

    placement = _locked_for_planning(placement, by)
    errors: dict[str | None, list[str]] = {}
    if planned_end_date is None:
        errors["planned_end_date"] = ["Enter the planned end date."]
    elif planned_end_date < placement.start_date:
        errors["planned_end_date"] = ["The planned end date must be on or after the start date."]
    elif (
        placement.status == Placement.Status.ACTIVE
        and planned_end_date != placement.planned_end_date
    ):
        errors["planned_end_date"] = [
            "The placement has started: extend it or end it to change its end date."
        ]
    elif planned_end_date > placement.start_date + max_length():
        errors["planned_end_date"] = [
            f"The planned end date must be within {max_length().days // 365} years of the start."
        ]
    if named_staff_member is None:
        errors["named_staff_member"] = ["Choose the named member of staff."]
    elif not policies.roles_in(named_staff_member, placement.pupil.school):
        errors["named_staff_member"] = [
            "The named member of staff must work at the pupil's school."
        ]
    if dual_registered and placement.provider.urn is None:
        errors["dual_registered"] = [
            f"{placement.provider} is not a school, so the pupil cannot be dual registered there."
        ]
    override = dual_registration_expected(placement.provider) and not dual_registered
    if override and not dual_registration_reason.strip():
        errors["dual_registration_reason"] = [
            f"{placement.provider} is a pupil referral unit or AP academy, where a pupil is "
            "usually dual registered: enter why this pupil is not."
        ]
    if errors:
        raise ValidationFailed("Check the plan.", errors)
    new = {
        "site": site.strip(),
        "planned_end_date": planned_end_date,
        "named_staff_member": named_staff_member,
        "transport": transport.strip(),
        "funding": funding.strip(),
        "dual_registered": dual_registered,
        "dual_registration_reason": dual_registration_reason.strip() if override else "",
    }
    changed = {
        name: [str(getattr(placement, name) or ""), str(value or "")]
        for name, value in new.items()
        if getattr(placement, name) != value
    }
    if not changed:
        return placement
    for name, value in new.items():
        setattr(placement, name, value)
    _new_version(placement, list(new))
    _record(
        by,
        placement,
        PlacementAction.PLAN_UPDATED,
        f"Placement plan updated (version {placement.plan_version})",
        changed,
    )
    return placement


@transaction.atomic
def set_timetable(placement: Placement, *, by: User, sessions: set[tuple[int, str]]) -> Placement:
    """The half-days at the provider each week; the rest of the week is at school."""
    placement = _locked_for_planning(placement, by)
    valid = {(day, s) for day in range(5) for s in PlacementSession.Session.values}
    if not sessions:
        raise ValidationFailed(
            "Choose at least one session at the provider.",
            {"sessions": ["Choose at least one session at the provider."]},
        )
    if not sessions <= valid:
        raise ValidationFailed("Choose sessions from Monday to Friday.")
    if placement.is_additional_part_time and len(sessions) >= 10:
        raise ValidationFailed("A second placement must be part time.")
    before = {(s.weekday, s.session) for s in placement.sessions.all()}
    if before == sessions:
        return placement
    placement.sessions.all().delete()
    PlacementSession.objects.bulk_create(
        PlacementSession(placement=placement, weekday=day, session=s) for day, s in sorted(sessions)
    )
    old_count = placement.sessions_per_week
    placement.sessions_per_week = len(sessions)
    _new_version(placement, ["sessions_per_week"])
    _record(
        by,
        placement,
        PlacementAction.TIMETABLE_SET,
        f"Timetable at the provider: {len(sessions)} sessions a week",
        {"sessions_per_week": [old_count, len(sessions)]},
    )
    return placement


@transaction.atomic
def add_objective(
    placement: Placement, *, by: User, what: str, baseline: str, target: str, measured_by: str
) -> PlacementObjective:
    placement = _locked_for_planning(placement, by)
    values = {"what": what, "baseline": baseline, "target": target, "measured_by": measured_by}
    errors: dict[str | None, list[str]] = {
        name: ["Enter this part of the objective."] for name, v in values.items() if not v.strip()
    }
    if errors:
        raise ValidationFailed("Check the objective.", errors)
    objective = PlacementObjective.objects.create(
        placement=placement, **{k: v.strip() for k, v in values.items()}
    )
    _new_version(placement, [])
    _record(
        by,
        placement,
        PlacementAction.OBJECTIVE_ADDED,
        f"Objective added: {objective.what}"[:500],
        {"objective": [None, objective.what]},
    )
    return objective


@transaction.atomic
def remove_objective(placement: Placement, *, by: User, objective_id: int) -> None:
    placement = _locked_for_planning(placement, by)
    objective = placement.objectives.filter(pk=objective_id).first()
    if objective is None:
        raise ValidationFailed("That objective is not part of this plan.")
    what = objective.what
    objective.delete()
    _new_version(placement, [])
    _record(
        by,
        placement,
        PlacementAction.OBJECTIVE_REMOVED,
        f"Objective removed: {what}"[:500],
        {"objective": [what, None]},
    )


@transaction.atomic
def record_agreement(
    placement: Placement, *, by: User, party: str, agreed_by_name: str, agreed_on: datetime.date
) -> PlacementAgreement:
    """Record that the school, a parent or carer, or the provider agreed to the plan as
    it stands now (its current version)."""
    placement = _locked_for_planning(placement, by)
    if party not in PlacementAgreement.Party.values:
        raise ValidationFailed("Choose who agreed.", {"party": ["Choose who agreed."]})
    if not agreed_by_name.strip():
        raise ValidationFailed(
            "Enter the name of the person who agreed.",
            {"agreed_by_name": ["Enter the name of the person who agreed."]},
        )
    if agreed_on is None or agreed_on > timezone.localdate():
        raise ValidationFailed(
            "Enter the date they agreed (not in the future).",
            {"agreed_on": ["Enter the date they agreed (not in the future)."]},
        )
    if placement.agreements.filter(party=party, plan_version=placement.plan_version).exists():
        raise ValidationFailed("That agreement is already recorded for this version of the plan.")
    agreement = PlacementAgreement.objects.create(
        placement=placement,
        party=party,
        agreed_by_name=agreed_by_name.strip(),
        agreed_on=agreed_on,
        plan_version=placement.plan_version,
        recorded_by=by,
    )
    _record(
        by,
        placement,
        PlacementAction.PLAN_AGREED,
        f"Plan version {placement.plan_version} agreed by the "
        f"{agreement.get_party_display().lower()}: {agreement.agreed_by_name}",
        {"agreement": [None, party]},
    )
    _note_emergency_plan_agreed(placement, by)
    return agreement


def _note_emergency_plan_agreed(placement: Placement, by: User) -> None:
    """An emergency placement is watched every weekday session until its full plan is
    agreed; from the day nothing is missing any more, its timetable decides."""
    from .plan import missing_before_start

    if not placement.is_emergency or placement.full_plan_agreed_on is not None:
        return
    if missing_before_start(placement):
        return
    placement.full_plan_agreed_on = timezone.localdate()
    placement.save(update_fields=["full_plan_agreed_on", "updated_at"])
    _record(
        by,
        placement,
        PlacementAction.EMERGENCY_PLAN_AGREED,
        "The emergency placement's full plan is agreed: its timetable now decides which "
        "sessions the pupil is expected at the provider",
        {"full_plan_agreed_on": [None, placement.full_plan_agreed_on.isoformat()]},
    )


@transaction.atomic
def set_sites(placement: Placement, *, by: User, sites: list[Any]) -> Placement:
    """Every site where the child is taught, from the provider's directory entry. A
    change of sites is a change of the plan (a new version, agreed again)."""
    from .workflow import check_sites

    placement = _locked_for_planning(placement, by)
    errors = check_sites(sites, placement.provider)
    if errors:
        raise ValidationFailed("Choose the sites.", errors)
    before = sorted(site.name for site in placement.sites.all())
    after = sorted(site.name for site in sites)
    if {s.pk for s in placement.sites.all()} == {s.pk for s in sites}:
        return placement
    placement.sites.set(sites)
    placement.site = ", ".join(after)[:200]
    _new_version(placement, ["site"])
    _record(
        by,
        placement,
        PlacementAction.SITES_SET,
        f"Sites where the pupil is taught: {', '.join(after)} (plan version "
        f"{placement.plan_version})",
        {"sites": [before, after]},
    )
    return placement


@transaction.atomic
def correct_commissioning(
    placement: Placement, *, by: User, arranged_by: str, commissioning_power: str, reason: str
) -> Placement:
    """Correct who commissions the placement (school or LA) and under which power. It
    decides the home school's code for a session attended (B or K), so the record must
    be right whatever the placement's status; the old and new values and the reason are
    kept in the audit trail."""
    from .plan import commissioning_errors

    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("pupil", "pupil__school", "pupil__school__local_authority", "provider")
        .get(pk=placement.pk)
    )
    if not policies.can_correct_commissioning(by, placement):
        raise NotPermitted("You cannot change who commissions this placement.")
    errors = commissioning_errors(arranged_by, commissioning_power)
    if not reason.strip():
        errors["reason"] = ["Enter why the record is being corrected."]
    if errors:
        raise ValidationFailed("Check who commissions the placement.", errors)
    old = {
        "arranged_by": placement.arranged_by,
        "commissioning_power": placement.commissioning_power,
    }
    new = {"arranged_by": arranged_by, "commissioning_power": commissioning_power}
    if old == new:
        raise ValidationFailed("That is what the placement already records: nothing changed.")
    placement.arranged_by = arranged_by
    placement.commissioning_power = commissioning_power
    placement.save(update_fields=["arranged_by", "commissioning_power", "updated_at"])
    _record(
        by,
        placement,
        PlacementAction.COMMISSIONING_CORRECTED,
        f"Commissioned by {placement.get_arranged_by_display().lower()} under "
        f"{placement.get_commissioning_power_display()}: {reason.strip()}"[:500],
        {name: [old[name], new[name]] for name in new if old[name] != new[name]}
        | {"reason": [None, reason.strip()]},
    )
    return placement


# --- daily alerts -----------------------------------------------------------------

ALERTED_EVERY_DAY = ("end_passed", "end_near", "emergency_plan", "no_timetable", "no_named_staff")


def send_daily_alerts(*, today: datetime.date | None = None) -> int:
    """Email what is missing or overdue on each open placement (placements.watch) to the
    named staff member and the school's current inclusion lead(s) (or whoever stands in:
    watch.stand_in_emails), once a day each: from 10 school days before the planned end
    date and every day after it until the placement is ended or extended; every day an
    emergency placement lacks its agreed plan, or a placement lacks a timetable or a
    named staff member. Each placement is its own transaction, so one bad record never
    stops the others' alerts. Returns how many emails were queued."""
    from . import selectors, watch

    today = today or timezone.localdate()
    queued = 0
    calendars = watch.Calendars()
    active = selectors.open_placements_to_watch(Q(status=Placement.Status.ACTIVE))
    for placement in watch.with_staff_memberships(active):
        try:
            with transaction.atomic():
                queued += _alert(placement, today=today, calendars=calendars)
        except Exception:  # one placement's failure must not silence every other alert
            logger.exception("Daily alerts failed for placement %s", placement.pk)
    return queued


def _alert(placement: Placement, *, today: datetime.date, calendars: Any) -> int:
    from apcase.notifications.services import absolute_url, queue_email

    from . import watch
    from .models import PlacementAlert

    queued = 0
    for concern in watch.concerns(placement, today=today, calendars=calendars):
        if concern.key not in ALERTED_EVERY_DAY:
            continue
        _, created = PlacementAlert.objects.get_or_create(
            placement=placement, kind=concern.key, date=today
        )
        if not created:
            continue
        recipients = watch.stand_in_emails(placement.pupil.school)
        if named := watch.named_staff_member_now(placement):
            recipients.insert(0, named.email)
        link = absolute_url(reverse("placements:detail", kwargs={"placement_id": placement.pk}))
        for email in dict.fromkeys(recipients):
            queue_email(
                to=email,
                subject=concern.title,
                body=f"{concern.detail}\n\nOpen the placement: {link}",
            )
            queued += 1
        record_event(
            by=None,
            action=ALERT_ACTIONS[concern.key],
            target=placement,
            organisation=placement.pupil.school,
            pupil_id=placement.pupil_id,
            summary=concern.title,
            changes={"alerted": [None, len(recipients)]},
        )
    return queued
