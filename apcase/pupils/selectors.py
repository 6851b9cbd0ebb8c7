"""Every read of pupil data goes through these functions.

Scope — who sees which pupils — is the union of one function per party, in `SCOPES`:
- the school: pupils on the roll of a school where the user holds a school role
  (`_school_scope`, below);
- the local authority's panel: pupils referred to a panel the user sits on or serves
  (registered by the referrals app, which holds the rule);
- an AP provider: pupils with a current placement with the user's provider (registered
  by the placements app), who see only what the placement needs: `placement_view_of`
  and the template pupil_placement_view.html.
The other parties register through apcase.pupils.registry, since pupils may not import
the apps above it.

A pupil outside every scope is "not found", never "forbidden"."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, prefetch_related_objects
from django.http import Http404

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import OrganisationKind
from apcase.chronology.services import log_access
from apcase.core.queries import any_of, one_or_404
from apcase.reference.census import (
    MAX_SUSPENSION_DAYS_PER_YEAR,
    PROVISION_FROM_SCHOOL_DAY,
    ExclusionKind,
)
from apcase.schooldays.calculator import SchoolCalendar, school_year_label, school_year_of

from . import registry
from .exclusion_days import (
    Suspension,
    YearSplit,
    days_by_school_year,
    permanent_provision_from,
    runs,
)
from .models import Carer, Exclusion, Pupil

# --- scope: one function per party --------------------------------------------------

SCHOOL = "school"
PANEL = "panel"
PLACEMENT = "placement"


def _school_scope(user: User) -> Q | None:
    school_ids = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    return Q(school_id__in=school_ids) if school_ids else None


# In order of how much each party may see: the first scope that admits a pupil decides
# which view of the pupil the user gets. The panel (rank 1) and the provider (rank 2)
# are registered by referrals and placements.
SCOPES = registry.SCOPES
registry.register_scope(SCHOOL, _school_scope, rank=0)


def pupils_visible_to(user: User) -> QuerySet[Pupil]:
    combined = any_of(q for _, scope in SCOPES if (q := scope(user)) is not None)
    if combined is None:
        return Pupil.objects.none()
    # Every scope is a condition on the pupil's own row (EXISTS, not a join), so each
    # pupil is one row and no DISTINCT is needed.
    return Pupil.objects.filter(combined).select_related("school")


def get_pupil_for(user: User, pupil_id: int) -> Pupil:
    """The pupil if `user` may see them; 404 for missing and forbidden alike."""
    return one_or_404(pupils_visible_to(user), pupil_id, "No such pupil.")


def view_of_pupil_for(user: User, pupil: Pupil) -> str:
    """Which view of `pupil` the user gets: SCHOOL (everything their role allows),
    PANEL or PLACEMENT (only what a placement needs)."""
    for name, scope in SCOPES:
        q = scope(user)
        if q is not None and Pupil.objects.filter(q, pk=pupil.pk).exists():
            return name
    raise Http404("No such pupil.")


def _log_read(user: User, pupil: Pupil, action: str) -> None:
    log_access(by=user, action=action, target=pupil, organisation=pupil.school, pupil_id=pupil.pk)


def read_pupil_for(user: User, pupil_id: int) -> tuple[Pupil, str]:
    """The pupil for their page and which view of them the user gets; logged as
    `pupil.viewed.<view>`. One read finds both: each party's scope is also asked of
    the pupil's row as a column, so the first that admits them names the view
    (`view_of_pupil_for`'s answer) without a query per party."""
    scopes = [(name, q) for name, scope in SCOPES if (q := scope(user)) is not None]
    combined = any_of(q for _, q in scopes)
    if combined is None:
        raise Http404("No such pupil.")
    admits = {
        f"admitted_by_{i}": ExpressionWrapper(q, BooleanField()) for i, (_, q) in enumerate(scopes)
    }
    pupil = one_or_404(
        Pupil.objects.filter(combined).select_related("school").annotate(**admits),
        pupil_id,
        "No such pupil.",
    )
    view = next(name for i, (name, _) in enumerate(scopes) if getattr(pupil, f"admitted_by_{i}"))
    _log_read(user, pupil, f"pupil.viewed.{view}")
    return pupil, view


def may_read_chronology(user: User, pupil: Pupil) -> bool:
    """Whether `user` may read the pupil's chronology: the school's leads, or the named
    staff member of the pupil's open placement (pupils.registry.is_named_for)."""
    if policies.can_read_chronology_of(user, pupil.school):
        return True
    return policies.can_read_chronology_of(
        user, pupil.school, named_for=registry.is_named_for(pupil, user)
    )


def read_chronology_of(user: User, pupil_id: int, *, purpose: str = "viewed") -> Pupil:
    """The pupil whose chronology `user` may read (404 otherwise); the read is logged
    as `pupil.chronology_<purpose>` (viewed, printed)."""
    pupil = get_pupil_for(user, pupil_id)
    if not may_read_chronology(user, pupil):
        raise Http404("No such pupil.")
    _log_read(user, pupil, f"pupil.chronology_{purpose}")
    return pupil


def read_photo_of(user: User, pupil_id: int) -> Pupil:
    """The pupil whose photo is asked for (404 when there is none); logged."""
    pupil = get_pupil_for(user, pupil_id)
    if not pupil.photo_path:
        raise Http404("No photo.")
    _log_read(user, pupil, "pupil.photo_viewed")
    return pupil


def pupils_editable_by(user: User) -> QuerySet[Pupil]:
    school_ids = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_EDITOR_ROLES)
    return Pupil.objects.filter(school_id__in=school_ids).select_related("school")


def get_pupil_to_edit(user: User, pupil_id: int) -> Pupil:
    """The pupil if `user` may edit them; 404 otherwise (also for readers, so an edit
    link never reveals more than the detail page)."""
    return one_or_404(pupils_editable_by(user), pupil_id, "No such pupil.")


def read_pupil_to_edit(user: User, pupil_id: int) -> Pupil:
    """`get_pupil_to_edit` for the edit form, which shows every detail held (the
    child-protection flags included): the read is logged."""
    pupil = get_pupil_to_edit(user, pupil_id)
    _log_read(user, pupil, "pupil.edit_form_viewed")
    return pupil


def get_carer_for(user: User, pupil: Pupil, carer_id: int) -> Carer:
    carer = Carer.objects.filter(pupil=pupil, pk=carer_id).first()
    if carer is None:
        raise Http404("No such carer.")
    return carer


def get_exclusion_for(user: User, pupil: Pupil, exclusion_id: int) -> Exclusion:
    exclusion = Exclusion.objects.filter(pupil=pupil, pk=exclusion_id).first()
    if exclusion is None:
        raise Http404("No such exclusion.")
    return exclusion


# --- lists --------------------------------------------------------------------------


def _in_ap_q() -> Q:
    """Pupils taught in an active AP placement now."""
    # A subquery rather than a join, so a pupil stays one row of the list.
    return Q(pk__in=Pupil.objects.filter(placements__status="active").values("pk"))


def search_pupils(
    user: User,
    *,
    query: str = "",
    nc_year: str = "",
    sen_status: str = "",
    in_ap: bool = False,
) -> QuerySet[Pupil]:
    pupils = pupils_visible_to(user)
    text = query.strip()
    if text:
        words = Q()
        for word in text.split():
            words &= (
                Q(legal_first_name__icontains=word)
                | Q(legal_last_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(preferred_last_name__icontains=word)
                | Q(upn__iexact=word)
            )
        pupils = pupils.filter(words)
    if nc_year:
        pupils = pupils.filter(nc_year=nc_year)
    if sen_status:
        pupils = pupils.filter(sen_status=sen_status)
    if in_ap:
        pupils = pupils.filter(_in_ap_q())
    # By name, then pk: a total order, so the list's pages never overlap.
    return pupils.order_by("legal_last_name", "legal_first_name", "pk")


def pupils_to_export(user: User, **filters: Any) -> QuerySet[Pupil]:
    """`search_pupils` for a CSV download; the export is logged."""
    log_access(by=user, action="pupils.exported", target=("pupils.pupil", "list"))
    return search_pupils(user, **filters)


# --- exclusions: the 45-day total and the 6th day -----------------------------------
# The pupil page warns when this many school days of suspension, or fewer, are left in a
# school year (a prompt to plan, not a rule of the guidance).
NEAR_SUSPENSION_LIMIT_DAYS = 5
# The arithmetic is in exclusion_days.py; these functions read a pupil's exclusions
# and the school's calendar for it.


def _suspensions_of(pupil: Pupil, *, exclude_id: int | None = None) -> list[Suspension]:
    rows = pupil.exclusions.filter(kind=ExclusionKind.SUSPENSION, length_days__gt=0)
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return [
        Suspension(pk, start, length)
        for pk, start, length in rows.values_list("pk", "start_date", "length_days")
        if length is not None  # the database refuses a suspension without a length
    ]


def calendar_of(pupil: Pupil) -> SchoolCalendar:
    return SchoolCalendar.for_school(pupil.school)


def suspension_days_by_year(
    pupil: Pupil, *, calendar: SchoolCalendar | None = None, exclude_id: int | None = None
) -> YearSplit:
    """School days of suspension in each school year, each day in the year it falls in
    (halves count 0.5), and which years' figures are provisional."""
    calendar = calendar or calendar_of(pupil)
    return days_by_school_year(calendar, _suspensions_of(pupil, exclude_id=exclude_id))


def suspension_days_in_year(
    pupil: Pupil, school_year: int, *, exclude_id: int | None = None
) -> Decimal:
    """Total school days of suspension falling in `school_year` (halves count 0.5)."""
    split = suspension_days_by_year(pupil, exclude_id=exclude_id)
    return split.days.get(school_year, Decimal("0"))


def _provisional_note(calendar: SchoolCalendar, years: Iterable[int]) -> str:
    """Why a figure is provisional: the years whose term dates are incomplete."""
    wanted = sorted(set(years))
    if not wanted:
        return ""
    messages = " ".join(calendar.missing_term_dates_message(year) for year in wanted)
    return f"Provisional: weekdays were counted as school days. {messages}"


@dataclass(frozen=True)
class RunLine:
    """A run of consecutive school days of suspension (one suspension or several)."""

    first_day: date
    last_day: date
    school_days: int
    exclusions: list[Exclusion]
    provision_from: date | None  # the run's 6th school day: the school's duty
    provisional_note: str  # set when term dates are missing for a year it touches

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_note)


@dataclass(frozen=True)
class ExclusionLine:
    exclusion: Exclusion
    school_year: int
    provision_from: date | None  # the 6th school day of its run, when the duty arises
    provision_problem: str  # why that date is provisional (term dates missing), if so
    run: RunLine | None = None  # a suspension's run

    @property
    def joined(self) -> bool:
        """Part of a run made of more than one suspension."""
        return self.run is not None and len(self.run.exclusions) > 1


@dataclass(frozen=True)
class YearTotal:
    school_year: int
    label: str
    days: Decimal
    remaining: Decimal
    provisional_note: str = ""

    limit = MAX_SUSPENSION_DAYS_PER_YEAR

    @property
    def near_limit(self) -> bool:
        """Few enough days left that the pupil page warns before the next suspension."""
        return self.remaining <= NEAR_SUSPENSION_LIMIT_DAYS


@dataclass(frozen=True)
class ExclusionHistory:
    lines: list[ExclusionLine]
    years: list[YearTotal]
    runs: list[RunLine] = field(default_factory=list)

    @property
    def duties(self) -> list[RunLine]:
        """Runs long enough for the school's 6th-day duty, newest first."""
        return [run for run in self.runs if run.provision_from is not None]


def exclusion_history(pupil: Pupil) -> ExclusionHistory:
    """Every exclusion, newest first, with the 6th school day of each run of
    consecutive suspensions that reaches one and of each permanent exclusion, and the
    suspension total for each school year (each day in the year it falls in)."""
    exclusions = list(pupil.exclusions.all())
    if not exclusions:
        # Nothing to count: the school's calendar (two reads) is not needed.
        return ExclusionHistory([], [], [])
    calendar = calendar_of(pupil)
    by_id = {e.pk: e for e in exclusions}
    # The suspensions `_suspensions_of` would read, taken from the exclusions just read.
    suspensions = [
        Suspension(e.pk, e.start_date, e.length_days)
        for e in exclusions
        if e.kind == ExclusionKind.SUSPENSION and e.length_days is not None and e.length_days > 0
    ]
    run_lines: list[RunLine] = []
    run_of: dict[int, RunLine] = {}
    for run in runs(calendar, suspensions):
        line = RunLine(
            first_day=run.first_day,
            last_day=run.last_day,
            school_days=len(run.days),
            exclusions=[by_id[key] for key in run.keys],
            provision_from=run.provision_from,
            provisional_note=_provisional_note(calendar, run.provisional_years),
        )
        run_lines.append(line)
        for key in run.keys:
            run_of[key] = line
    lines = []
    for exclusion in exclusions:
        year = school_year_of(exclusion.start_date)
        if exclusion.kind == ExclusionKind.PERMANENT:
            sixth, unknown = permanent_provision_from(calendar, exclusion.start_date)
            lines.append(
                ExclusionLine(exclusion, year, sixth, _provisional_note(calendar, unknown))
            )
            continue
        run_line = run_of.get(exclusion.pk)
        if run_line is None or run_line.provision_from is None:
            lines.append(ExclusionLine(exclusion, year, None, "", run_line))
        else:
            lines.append(
                ExclusionLine(
                    exclusion,
                    year,
                    run_line.provision_from,
                    run_line.provisional_note,
                    run_line,
                )
            )
    split = days_by_school_year(calendar, suspensions)
    limit = Decimal(MAX_SUSPENSION_DAYS_PER_YEAR)
    years = [
        YearTotal(
            year,
            school_year_label(year),
            days,
            max(limit - days, Decimal("0")),
            _provisional_note(calendar, [year] if year in split.provisional_years else []),
        )
        for year, days in sorted(split.days.items(), reverse=True)
    ]
    run_lines.reverse()
    return ExclusionHistory(lines, years, run_lines)


def needs_sixth_day_provision(exclusion: Exclusion) -> bool:
    """Whether an exclusion on its own reaches a 6th school day. A shorter suspension
    can still reach one in a run with others: see `exclusion_history`."""
    if exclusion.kind == ExclusionKind.PERMANENT:
        return True
    return (exclusion.length_days or 0) > PROVISION_FROM_SCHOOL_DAY - 1


# --- the provider's view: only what a placement needs --------------------------------


@dataclass(frozen=True)
class PlacementCarer:
    """A carer as the provider sees them. Contact details only for a carer the child
    lives with and who has no restriction (docs/regulations.md, "Consent to share and
    the lawful basis for sharing without it": only what the placement needs);
    otherwise `withheld` says why, and the provider asks the home school."""

    name: str
    relationship: str
    parental_responsibility: bool
    lives_with_pupil: bool
    phone: str
    email: str
    preferred_contact_method: str
    restriction: str
    withheld: str


def _contact_withheld(carer: Carer) -> str:
    """Why the provider is not given this carer's contact details ("" when it is)."""
    if carer.is_restricted:
        return "Withheld because of the restriction. Ask the home school."
    if not carer.lives_with_pupil:
        return "Withheld: the pupil does not live with this carer. Ask the home school."
    return ""


def _placement_carer(carer: Carer) -> PlacementCarer:
    withheld = _contact_withheld(carer)
    return PlacementCarer(
        name=carer.name,
        relationship=carer.relationship,
        parental_responsibility=carer.parental_responsibility,
        lives_with_pupil=carer.lives_with_pupil,
        phone="" if withheld else carer.phone,
        email="" if withheld else carer.email,
        preferred_contact_method="" if withheld else carer.get_preferred_contact_method_display(),
        restriction=carer.restriction,
        withheld=withheld,
    )


@dataclass(frozen=True)
class PlacementPupilView:
    """What an AP provider needs to teach and keep a child safe day to day: who they
    are, their needs, and whom to call (and whom not to). No exclusion detail, no
    child protection flags (looked after, CP plan, child in need: the
    school's DSL shares what the provider's DSL needs), no free school meals or pupil premium."""

    pupil_id: int
    display_name: str
    legal_name: str
    date_of_birth: date
    nc_year: str
    home_school: str
    sen_status: str
    medical_needs: str
    allergies: str
    first_language: str
    has_photo: bool
    carers: list[PlacementCarer]


def placement_view_of(pupil: Pupil) -> PlacementPupilView:
    carers = [_placement_carer(c) for c in pupil.carers.all()]
    return PlacementPupilView(
        pupil_id=pupil.pk,
        display_name=pupil.display_name,
        legal_name=pupil.legal_name,
        date_of_birth=pupil.date_of_birth,
        nc_year=pupil.get_nc_year_display(),
        home_school=str(pupil.school),
        sen_status=pupil.get_sen_status_display(),
        medical_needs=pupil.medical_needs,
        allergies=pupil.allergies,
        first_language=pupil.first_language,
        has_photo=bool(pupil.photo_path),
        carers=carers,
    )


def pupil_for_school_view(pupil: Pupil) -> Pupil:
    """The pupil (as read for the user, with their school) with their carers loaded,
    for the full school page: the pupil is not read a second time."""
    prefetch_related_objects([pupil], "carers")
    return pupil


# --- what a user may act on -----------------------------------------------------------


def schools_editable_by(user: User) -> QuerySet[Organisation]:
    ids = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_EDITOR_ROLES)
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.SCHOOL)


def schools_importable_by(user: User) -> QuerySet[Organisation]:
    ids = policies.organisation_ids_for(user, policies.PUPIL_IMPORT_ROLES)
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.SCHOOL)
