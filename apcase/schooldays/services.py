"""Changing term dates (LA admins) and closure days (school admins, or LA admins for
LA-wide days). Each change is checked, validated and audited in one transaction."""

from datetime import date

from django.db import IntegrityError, transaction

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.services import added, changed_fields, record_event, removed
from apcase.core.errors import NotPermitted, ValidationFailed

from .audit import SchoolDaysAction
from .calculator import school_year_of
from .models import ClosureDay, Term


def _check_term_dates(start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise ValidationFailed(
            "The end date must be the same as or after the start date.",
            {"end_date": ["The end date must be the same as or after the start date."]},
        )
    if school_year_of(start_date) != school_year_of(end_date):
        # Each term belongs to one school year, so a year's terms can be counted.
        message = (
            "A term cannot run across 31 August: end it by 31 August and start the next "
            "school year’s first term in September."
        )
        raise ValidationFailed(message, {"end_date": [message]})


def _require_term_keeper(by: User, local_authority: Organisation) -> None:
    if not policies.can_manage_terms_for(by, local_authority):
        raise NotPermitted("You cannot change this local authority’s term dates.")


def _require_closure_keeper(
    by: User, school: Organisation | None, local_authority: Organisation | None
) -> None:
    """A school's closure days are its admins' to change, an LA's (every school in the
    area) its term keepers'."""
    if school is not None:
        if not policies.can_manage_closure_days_at(by, school):
            raise NotPermitted("You cannot change this school’s closure days.")
    elif local_authority is not None:
        if not policies.can_manage_terms_for(by, local_authority):
            raise NotPermitted("You cannot change this local authority’s closure days.")
    else:  # national closures are kept by the seed data, not in pages
        raise NotPermitted("National closure days are not changed here.")


def _check_no_overlap(la: Organisation, start: date, end: date, *, exclude: int | None) -> None:
    overlapping = Term.objects.filter(local_authority=la, start_date__lte=end, end_date__gte=start)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    clash = overlapping.first()
    if clash is not None:
        message = f"These dates overlap {clash.name} ({clash.start_date:%d %B %Y} to " + (
            f"{clash.end_date:%d %B %Y})."
        )
        raise ValidationFailed(message, {"start_date": [message]})


def add_term(
    *, by: User, local_authority: Organisation, name: str, start_date: date, end_date: date
) -> Term:
    _require_term_keeper(by, local_authority)
    _check_term_dates(start_date, end_date)
    with transaction.atomic():
        _check_no_overlap(local_authority, start_date, end_date, exclude=None)
        term = Term.objects.create(
            local_authority=local_authority, name=name, start_date=start_date, end_date=end_date
        )
        record_event(
            by=by,
            action=SchoolDaysAction.TERM_ADDED,
            target=term,
            organisation=local_authority,
            changes=added({"name": name, "start_date": start_date, "end_date": end_date}),
            summary=f"Added term {term}",
        )
    return term


def update_term(*, by: User, term: Term, name: str, start_date: date, end_date: date) -> Term:
    _require_term_keeper(by, term.local_authority)
    _check_term_dates(start_date, end_date)
    values = {"name": name, "start_date": start_date, "end_date": end_date}
    with transaction.atomic():
        _check_no_overlap(term.local_authority, start_date, end_date, exclude=term.pk)
        diff = changed_fields(term, values)
        if not diff:
            return term
        for key, value in values.items():
            setattr(term, key, value)
        term.save(update_fields=[*values, "updated_at"])
        record_event(
            by=by,
            action=SchoolDaysAction.TERM_CHANGED,
            target=term,
            organisation=term.local_authority,
            changes=diff,
            summary=f"Changed term {term}",
        )
    return term


def remove_term(*, by: User, term: Term) -> None:
    _require_term_keeper(by, term.local_authority)
    with transaction.atomic():
        record_event(
            by=by,
            action=SchoolDaysAction.TERM_REMOVED,
            target=term,
            organisation=term.local_authority,
            changes=removed({"start_date": term.start_date, "end_date": term.end_date}),
            summary=f"Removed term {term}",
        )
        term.delete()


def add_closure_day(
    *,
    by: User,
    day: date,
    reason: str,
    school: Organisation | None = None,
    local_authority: Organisation | None = None,
) -> ClosureDay:
    """A closure for one school (school admins) or a whole LA (LA admins)."""
    if (school is None) == (local_authority is None):
        raise ValueError("Give exactly one of school or local_authority.")
    _require_closure_keeper(by, school, local_authority)
    if day.weekday() >= 5:
        message = "Choose a weekday: weekends are never school days."
        raise ValidationFailed(message, {"day": [message]})
    owner = school or local_authority
    try:
        with transaction.atomic():
            closure = ClosureDay.objects.create(
                date=day, reason=reason, school=school, local_authority=local_authority
            )
            record_event(
                by=by,
                action=SchoolDaysAction.CLOSURE_DAY_ADDED,
                target=closure,
                organisation=owner,
                changes=added({"date": day, "reason": reason}),
                summary=f"Added closure day {closure}",
            )
    except IntegrityError:
        message = f"{day:%d %B %Y} is already a closure day."
        raise ValidationFailed(message, {"day": [message]}) from None
    return closure


def remove_closure_day(*, by: User, closure: ClosureDay) -> None:
    _require_closure_keeper(by, closure.school, closure.local_authority)
    with transaction.atomic():
        record_event(
            by=by,
            action=SchoolDaysAction.CLOSURE_DAY_REMOVED,
            target=closure,
            organisation=closure.school or closure.local_authority,
            changes=removed({"date": closure.date, "reason": closure.reason}),
            summary=f"Removed closure day {closure}",
        )
        closure.delete()
