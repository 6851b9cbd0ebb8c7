"""Reads of safeguarding concerns: the only way to them.

Who sees a concern (and so learns that it exists):
- the designated safeguarding lead(s) of the school it belongs to;
- the provider's DSL (provider manager) for a concern raised at that provider;
- the local authority's officers once the school's DSL has escalated it to them;
- the person who raised it (what they wrote and its addenda, to which they may add a
  correction; not the DSL's handling), while they still hold a role where they raised it.
Nobody else: not the headteacher, not the inclusion lead, not the school admin. A
concern outside the scope is "not found" (404), never "forbidden". Every read of a
concern (its page, its attachments, the list) writes an access-log row."""

import datetime
import re

from django.db.models import Q, QuerySet
from django.http import Http404

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.chronology.models import AccessLogEntry
from apcase.chronology.services import log_access
from apcase.core.queries import any_of
from apcase.placements.models import Placement
from apcase.pupils.models import Pupil

from .models import (
    ChildProtectionTransfer,
    Concern,
    ConcernAttachment,
    ConcernCategory,
    ConcernStatus,
)

SLUG = re.compile(r"[a-z0-9-]{1,40}")


def _scope(user: User) -> Q | None:
    parts = []
    if dsl_of := policies.organisation_ids_for(user, policies.SAFEGUARDING_ROLES):
        parts.append(Q(school_id__in=dsl_of))
    if provider_dsl_of := policies.organisation_ids_for(user, policies.PROVIDER_SAFEGUARDING_ROLES):
        parts.append(Q(raised_at_provider_id__in=provider_dsl_of))
    if la_of := policies.organisation_ids_for(user, policies.LA_SAFEGUARDING_ROLES):
        parts.append(Q(escalated_at__isnull=False, school__local_authority_id__in=la_of))
    if raiser_at := policies.organisation_ids_for(user, policies.CONCERN_RAISER_ROLES):
        parts.append(Q(reported_by_id=user.pk, reporter_organisation_id__in=raiser_at))
    return any_of(parts)


def concerns_visible_to(user: User) -> QuerySet[Concern]:
    scope = _scope(user)
    if scope is None:
        return Concern.objects.none()
    return Concern.objects.filter(scope).select_related(
        "pupil", "school", "raised_at_provider", "category", "reported_by"
    )


def categories() -> QuerySet[ConcernCategory]:
    return ConcernCategory.objects.all()


def concern_list_for(
    user: User,
    *,
    status: str = "",
    category: str = "",
    pupil_id: int | None = None,
    provider_id: int | None = None,
) -> QuerySet[Concern]:
    """The concern list, filtered, newest first (then by pk: a total order, so its pages
    never overlap); reading it is access-logged (one row per list)."""
    concerns = concerns_visible_to(user)
    if status in ConcernStatus.values:
        concerns = concerns.filter(status=status)
    if category and SLUG.fullmatch(category):  # a code, never a NUL byte for PostgreSQL
        concerns = concerns.filter(category__code=category)
    if pupil_id is not None:
        concerns = concerns.filter(pupil_id=pupil_id)
    if provider_id is not None:
        concerns = concerns.filter(raised_at_provider_id=provider_id)
    log_access(by=user, action="safeguarding.concern_list_viewed", target=("concern_list", ""))
    return concerns.order_by("-recorded_at", "-pk")


def _log_read(
    user: User,
    action: str,
    record: Concern | ConcernAttachment | ChildProtectionTransfer,
    school: Organisation,
    pupil_id: int,
) -> None:
    log_access(by=user, action=action, target=record, organisation=school, pupil_id=pupil_id)


def get_concern_for(user: User, concern_id: int, *, purpose: str = "viewed") -> Concern:
    """One concern for `user`, access-logged as `purpose` (viewed, printed, ...); 404
    for missing and forbidden alike."""
    concern = concerns_visible_to(user).filter(pk=concern_id).first()
    if concern is None:
        raise Http404("No such concern.")
    _log_read(user, f"safeguarding.concern_{purpose}", concern, concern.school, concern.pupil_id)
    return concern


def get_attachment_for(user: User, concern_id: int, attachment_id: int) -> ConcernAttachment:
    concern = concerns_visible_to(user).filter(pk=concern_id).first()
    attachment = (
        ConcernAttachment.objects.filter(concern=concern, pk=attachment_id).first()
        if concern is not None
        else None
    )
    if concern is None or attachment is None:
        raise Http404("No such attachment.")
    _log_read(
        user,
        "safeguarding.concern_attachment_downloaded",
        attachment,
        concern.school,
        concern.pupil_id,
    )
    return attachment


def who_viewed(concern: Concern) -> QuerySet[AccessLogEntry]:
    """Every read of this concern and its attachments, newest first (for its DSL)."""
    attachment_ids = [str(pk) for pk in concern.attachments.values_list("pk", flat=True)]
    return AccessLogEntry.objects.filter(
        Q(target_type="safeguarding.concern", target_id=str(concern.pk))
        | Q(target_type="safeguarding.concernattachment", target_id__in=attachment_ids)
    ).order_by("-pk")


# --- raising: which pupils, as which organisation --------------------------------------


# A placement whose provider's staff may raise a concern about the child.
OPEN = (Placement.Status.ACTIVE, Placement.Status.PLANNED)


def pupils_to_raise_concerns_about(user: User) -> QuerySet[Pupil]:
    """Pupils of the user's schools, and pupils in a planned or active placement at the
    user's providers (staff may meet a child before the placement starts). Nothing else
    about concerns is needed to raise one."""
    schools = policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES)
    providers = policies.organisation_ids_for(user, policies.PROVIDER_ROLES)
    placed = Placement.objects.filter(provider_id__in=providers, status__in=OPEN).values("pupil_id")
    return (
        Pupil.objects.filter(Q(school_id__in=schools) | Q(pk__in=placed))
        .select_related("school")
        .order_by("legal_last_name", "legal_first_name", "pk")
    )


def may_raise_about(user: User, pupil: Pupil) -> bool:
    """Whether `pupil` is among `pupils_to_raise_concerns_about(user)`: at once for a
    pupil of one of the user's schools (the roles are already read for the request),
    otherwise asked of the database."""
    if pupil.school_id in policies.organisation_ids_for(user, policies.SCHOOL_PUPIL_ROLES):
        return True
    return pupils_to_raise_concerns_about(user).filter(pk=pupil.pk).exists()


def get_pupil_to_raise_about(user: User, pupil_id: int) -> Pupil:
    pupil = pupils_to_raise_concerns_about(user).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such pupil.")
    return pupil


def raising_context(user: User, pupil: Pupil) -> tuple[Organisation, Placement | None]:
    """As whom the user raises a concern about `pupil`: their school (the pupil's) if
    they work there, otherwise the provider of the pupil's open (active or planned)
    placement where they work; and that placement, the active one first."""
    placement = (
        Placement.objects.filter(pupil=pupil, status__in=OPEN)
        .select_related("provider")
        .order_by("status", "-start_date")
        .first()
    )
    if policies.roles_in(user, pupil.school) & policies.SCHOOL_PUPIL_ROLES:
        return pupil.school, placement
    providers = policies.organisation_ids_for(user, policies.PROVIDER_ROLES)
    at_provider = (
        Placement.objects.filter(pupil=pupil, status__in=OPEN, provider_id__in=providers)
        .select_related("provider")
        .order_by("status", "-start_date")  # "active" before "planned"
        .first()
    )
    if at_provider is None:
        raise Http404("No such pupil.")
    return at_provider.provider, at_provider


def dsl_attention(user: User) -> tuple[int, int]:
    """(new concerns to acknowledge, reviews due today or earlier) for a school DSL."""
    from django.utils import timezone

    schools = policies.organisation_ids_for(user, policies.SAFEGUARDING_ROLES)
    if not schools:
        return 0, 0
    held = Concern.objects.filter(school_id__in=schools)
    new = held.filter(status=ConcernStatus.NEW).count()
    due = held.filter(status=ConcernStatus.OPEN, review_on__lte=timezone.localdate()).count()
    return new, due


def concerns_in_period_for(
    user: User, pupil: Pupil, start: datetime.date, end: datetime.date
) -> int | None:
    """How many concerns about `pupil` were recorded between `start` and `end`
    (inclusive), for the pupil's school's DSL; None — not even zero — for anyone else,
    so the figure never tells them whether a concern exists (a placement review shows
    it to the DSL only)."""
    if not policies.is_school_dsl_of(user, pupil.school):
        return None
    return (
        concerns_visible_to(user)
        .filter(pupil=pupil, school=pupil.school)
        .filter(recorded_at__date__gte=start, recorded_at__date__lte=end)
        .count()
    )


# --- child protection file transfers ----------------------------------------------------


def get_pupil_for_transfer(user: User, pupil_id: int) -> Pupil:
    """A pupil of a school where `user` is the DSL; 404 otherwise."""
    schools = policies.organisation_ids_for(user, policies.SAFEGUARDING_ROLES)
    pupil = (
        Pupil.objects.filter(pk=pupil_id, school_id__in=schools).select_related("school").first()
    )
    if pupil is None:
        raise Http404("No such pupil.")
    return pupil


def transfers_of(pupil: Pupil) -> QuerySet[ChildProtectionTransfer]:
    return ChildProtectionTransfer.objects.filter(pupil=pupil, school=pupil.school)


def get_transfer_for(user: User, transfer_id: int) -> ChildProtectionTransfer:
    schools = policies.organisation_ids_for(user, policies.SAFEGUARDING_ROLES)
    transfer = (
        ChildProtectionTransfer.objects.filter(pk=transfer_id, school_id__in=schools)
        .select_related("pupil", "pupil__school", "school")
        .first()
    )
    if transfer is None:
        raise Http404("No such transfer.")
    return transfer


def read_transfer_file(user: User, transfer_id: int) -> ChildProtectionTransfer:
    """The transfer whose file is being produced; the print is access-logged."""
    transfer = get_transfer_for(user, transfer_id)
    _log_read(
        user,
        "safeguarding.child_protection_file_printed",
        transfer,
        transfer.school,
        transfer.pupil_id,
    )
    return transfer


def transfers_due_read_by(user: User) -> list[ChildProtectionTransfer]:
    """Every transfer `transfers_due` gives, for the page that lists them all: the
    children whose child protection file is to go are named, so the read is logged."""
    found = list(transfers_due(user))
    log_access(by=user, action="safeguarding.transfers_due_viewed", target=("transfers_due", ""))
    return found


def transfers_due(user: User) -> QuerySet[ChildProtectionTransfer]:
    """Transfers at the user's DSL schools not yet sent, soonest first."""
    schools = policies.organisation_ids_for(user, policies.SAFEGUARDING_ROLES)
    return (
        ChildProtectionTransfer.objects.filter(school_id__in=schools, sent_on__isnull=True)
        .select_related("pupil")
        .order_by("due_by")
    )
