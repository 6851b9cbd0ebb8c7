"""Reads of term dates and closure days, scoped to the organisations a user keeps.
Term dates are not secret, but only their keepers reach the edit pages; a record
outside the user's scope is "not found"."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind, Role
from apcase.core.queries import one_or_404

from .calculator import school_year_label, school_year_of, terms_per_school_year
from .models import ClosureDay, Term


def local_authorities_kept_by(user: User) -> QuerySet[Organisation]:
    ids = policies.organisation_ids_for(user, {Role.LA_ADMIN})
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.LOCAL_AUTHORITY)


def schools_with_closures_kept_by(user: User) -> QuerySet[Organisation]:
    ids = policies.organisation_ids_for(user, policies.CLOSURE_DAY_ROLES)
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.SCHOOL).select_related(
        "local_authority"
    )


def terms_kept_by(user: User) -> QuerySet[Term]:
    return Term.objects.filter(local_authority__in=local_authorities_kept_by(user)).select_related(
        "local_authority"
    )


def get_term_for(user: User, term_id: int) -> Term:
    return one_or_404(terms_kept_by(user), term_id, "No such term.")


def la_closures_kept_by(user: User) -> QuerySet[ClosureDay]:
    return ClosureDay.objects.filter(
        local_authority__in=local_authorities_kept_by(user)
    ).select_related("local_authority")


def get_la_closure_for(user: User, closure_id: int) -> ClosureDay:
    return one_or_404(la_closures_kept_by(user), closure_id, "No such closure day.")


def school_closures_kept_by(user: User) -> QuerySet[ClosureDay]:
    return ClosureDay.objects.filter(school__in=schools_with_closures_kept_by(user)).select_related(
        "school"
    )


def get_school_closure_for(user: User, closure_id: int) -> ClosureDay:
    return one_or_404(school_closures_kept_by(user), closure_id, "No such closure day.")


def closures_affecting(school: Organisation) -> QuerySet[ClosureDay]:
    """Every closure day that applies to `school`: its own, its LA's and national ones."""
    scope = Q(school=school) | Q(school__isnull=True, local_authority__isnull=True)
    if school.local_authority_id:
        scope |= Q(local_authority_id=school.local_authority_id)
    return ClosureDay.objects.filter(scope).select_related("school", "local_authority")


def terms_for_school(school: Organisation) -> QuerySet[Term]:
    return Term.objects.filter(local_authority_id=school.local_authority_id)


@dataclass(frozen=True)
class YearOfTerms:
    """How complete one school year's term dates are for one local authority."""

    year: int
    label: str
    entered: int
    needed: int

    @property
    def complete(self) -> bool:
        return self.entered >= self.needed


def term_years(local_authority_id: int | None, years: Iterable[int]) -> list[YearOfTerms]:
    """For each of `years` (and every other year with a term entered), how many of its
    terms the local authority has entered; a year is complete once all are in."""
    starts = Term.objects.filter(local_authority_id=local_authority_id).values_list(
        "start_date", flat=True
    )
    counts = Counter(school_year_of(start) for start in starts)
    needed = terms_per_school_year()
    wanted = sorted(set(years) | set(counts))
    return [YearOfTerms(y, school_year_label(y), counts[y], needed) for y in wanted]


def incomplete_years(local_authority_id: int | None, years: Iterable[int]) -> list[YearOfTerms]:
    wanted = set(years)
    return [
        status
        for status in term_years(local_authority_id, wanted)
        if status.year in wanted and not status.complete
    ]
