"""Reads of referrals and emergency placements, scoped to the user.

Scope: the referring school's inclusion lead, headteacher and DSL see the school's
referrals (drafts included); panel members, the chair and LA officers see referrals
that have been submitted to their LA's panel, never drafts. Emergency placements
likewise: the school, and the LA whose panel ratifies them."""

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.chronology.services import log_access
from apcase.core.queries import one_or_404
from apcase.pupils.registry import PupilRecord, pupil_records

from . import workflow
from .models import EmergencyPlacement, Referral, ReferralDocument

# A referral is open while its workflow can still move it (drafts, those waiting for the
# panel, and decided ones the LA has still to close); closed once it can move no more
# (closed or withdrawn). The referrals page shows the open ones unless asked otherwise.
OPEN_STATUSES = frozenset(s for s, moves in workflow.ALLOWED_TRANSITIONS.items() if moves)
SHOW_OPEN, SHOW_CLOSED, SHOW_ALL = "open", "closed", "all"
# Who schedules referrals onto a panel's meetings, and so is told of those waiting.
SCHEDULER_ROLES = frozenset({Role.LA_OFFICER})
SHOW_CHOICES = (
    (SHOW_OPEN, "Open referrals"),
    (SHOW_CLOSED, "Closed and withdrawn referrals"),
    (SHOW_ALL, "All referrals"),
)


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    school_ids = policies.organisation_ids_for(user, policies.REFERRAL_SCHOOL_VIEWER_ROLES)
    la_ids = policies.organisation_ids_for(user, policies.LA_CASE_ROLES)
    # The LA's panels read first, by id, not joined: PostgreSQL then reads a page of
    # the list from the index of a panel's referrals by date (referrals_by_panel_updated)
    # instead of reading and sorting every referral the LA's panels hold.
    panels = apps.get_model("panel", "InclusionPanel").objects
    panel_ids = (
        list(panels.filter(local_authority_id__in=la_ids).order_by().values_list("pk", flat=True))
        if la_ids
        else []
    )
    return Referral.objects.filter(
        Q(school_id__in=school_ids) | Q(panel_id__in=panel_ids, submitted_at__isnull=False)
    ).select_related("pupil", "school", "panel", "meeting", "created_by", "signed_off_by")


def shown(value: str | None) -> str:
    """Which referrals the list shows for its `show` parameter: open ones unless it asks
    for closed ones or all (anything else is read as the default)."""
    return value if value in {SHOW_CLOSED, SHOW_ALL} else SHOW_OPEN


def referral_list_for(user: User, show: str = SHOW_OPEN) -> QuerySet[Referral]:
    """The referrals page's list (`show`: open, closed or all), most recently changed
    first, in a total order so its pages never overlap."""
    referrals = referrals_visible_to(user)
    if show == SHOW_OPEN:
        referrals = referrals.filter(status__in=OPEN_STATUSES)
    elif show == SHOW_CLOSED:
        referrals = referrals.exclude(status__in=OPEN_STATUSES)
    return referrals.order_by("-updated_at", "-pk")


def referrals_to_export(user: User, show: str = SHOW_OPEN) -> QuerySet[Referral]:
    """`referral_list_for` for a download (every row, not one page); the export is logged."""
    log_access(by=user, action="referrals.exported", target=("referrals.referral", "list"))
    return referral_list_for(user, show)


def get_referral_for(user: User, referral_id: int) -> Referral:
    return one_or_404(referrals_visible_to(user), referral_id, "No such referral.")


def read_referral_for(user: User, referral_id: int) -> Referral:
    """The referral for its page. Health, SEND and family views read from outside the
    school (the panel, LA officers) are logged."""
    # With its interventions and documents, which the page's task list asks about
    # (exists) and its summary lists (all): one read of each, not two. (Joining the LA
    # and the preferred provider as well would save two more queries but cost more:
    # PostgreSQL plans nine tables for longer than it takes to read two rows by key.)
    referral = one_or_404(
        referrals_visible_to(user).prefetch_related("interventions", "documents"),
        referral_id,
        "No such referral.",
    )
    if referral.school_id not in policies.organisation_ids_for(
        user, policies.REFERRAL_SCHOOL_VIEWER_ROLES
    ):
        log_access(
            by=user,
            action="referral_read",
            target=referral,
            organisation=referral.panel.local_authority,
            pupil_id=referral.pupil_id,
        )
    return referral


def get_document_for(user: User, referral_id: int, document_id: int) -> ReferralDocument:
    referral = get_referral_for(user, referral_id)
    document = ReferralDocument.objects.filter(referral=referral, pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    return document


def read_document_for(user: User, referral_id: int, document_id: int) -> ReferralDocument:
    """The document to download; every download is logged."""
    document = get_document_for(user, referral_id, document_id)
    log_access(
        by=user,
        action="referral_document_read",
        target=document,
        organisation=document.referral.school,
        pupil_id=document.referral.pupil_id,
    )
    return document


def awaiting_scheduling_for(user: User) -> QuerySet[Referral]:
    """The referrals to the LA officer's own panels that wait for a panel meeting:
    submitted and on no agenda, and every deferred one (a deferral keeps the meeting it
    was deferred at until a later meeting takes it, when `schedule_referral` moves it to
    scheduled, so a deferred referral is always waiting), the longest waiting first. The
    home page lists the first of them, the page `referrals:awaiting_scheduling` every
    one. Nothing for anyone who is not an LA officer."""
    la_ids = policies.organisation_ids_for(user, SCHEDULER_ROLES)
    if not la_ids:
        return Referral.objects.none()
    return (
        referrals_visible_to(user)
        .filter(panel__local_authority_id__in=la_ids)
        .filter(
            Q(status=Referral.Status.SUBMITTED, meeting__isnull=True)
            | Q(status=Referral.Status.DEFERRED)
        )
        # Joined only to what is said of each: the pupil, the school and the meeting.
        .select_related(None)
        .select_related("pupil", "school", "meeting")
        .order_by("submitted_at", "pk")
    )


def awaiting_scheduling_read_by(user: User) -> QuerySet[Referral]:
    """`awaiting_scheduling_for`, for the page that lists them all: it names every
    child waiting for a panel, so the read is logged (the home page's few are not)."""
    referrals = awaiting_scheduling_for(user)
    log_access(
        by=user, action="referrals.awaiting_scheduling_viewed", target=("awaiting_scheduling", "")
    )
    return referrals


def emergencies_visible_to(user: User) -> QuerySet[EmergencyPlacement]:
    school_ids = policies.organisation_ids_for(user, policies.REFERRAL_SCHOOL_VIEWER_ROLES)
    la_ids = policies.organisation_ids_for(user, policies.LA_CASE_ROLES)
    return EmergencyPlacement.objects.filter(
        Q(school_id__in=school_ids) | Q(panel__local_authority_id__in=la_ids)
    ).select_related("pupil", "school", "panel", "meeting", "placement", "placement__provider")


def get_emergency_for(user: User, emergency_id: int) -> EmergencyPlacement:
    return one_or_404(emergencies_visible_to(user), emergency_id, "No such emergency placement.")


def read_emergency_for(user: User, emergency_id: int) -> EmergencyPlacement:
    """The emergency placement for its page (the risk assessment and reasons): logged."""
    emergency = get_emergency_for(user, emergency_id)
    log_access(
        by=user,
        action="emergency.viewed",
        target=emergency,
        organisation=emergency.school,
        pupil_id=emergency.pupil_id,
    )
    return emergency


def panel_pupil_scope(user: User) -> Q | None:
    """Pupils an LA case role may see: referred (submitted) to, or placed in an
    emergency under, their LA's panel. The panel's pupil scope (registered in apps.py);
    None when the user holds no LA case role."""
    la_ids = policies.organisation_ids_for(user, policies.LA_CASE_ROLES)
    if not la_ids:
        return None
    # A subquery rather than a join: a pupil is one row however many referrals they
    # have, so the pupil list needs no DISTINCT over every column to drop repeats. One
    # subquery (a UNION), not two ORed: PostgreSQL joins the pupils to one set of ids
    # instead of testing every pupil of the authority against each set in turn.
    referred = Referral.objects.filter(
        panel__local_authority_id__in=la_ids, submitted_at__isnull=False
    ).values("pupil_id")
    placed = EmergencyPlacement.objects.filter(panel__local_authority_id__in=la_ids)
    # Unordered: the models' default order would sort each set for nothing.
    return Q(pk__in=referred.order_by().union(placed.order_by().values("pupil_id"), all=True))


def pupils_for_emergency(user: User) -> QuerySet[Any]:
    """Pupils the user may arrange an emergency placement for: on the roll of a school
    where they are headteacher, or of a school in an LA where they are an officer."""
    from apcase.pupils.models import Pupil

    head_school_ids = policies.organisation_ids_for(user, {policies.Role.HEADTEACHER})
    la_ids = policies.organisation_ids_for(user, {policies.Role.LA_OFFICER})
    return Pupil.objects.filter(
        Q(school_id__in=head_school_ids) | Q(school__local_authority_id__in=la_ids)
    ).select_related("school", "school__local_authority")


def pupils_referable_by(user: User) -> QuerySet[Any]:
    from apcase.pupils.models import Pupil

    school_ids = policies.organisation_ids_for(user, policies.REFERRAL_SCHOOL_EDITOR_ROLES)
    return Pupil.objects.filter(school_id__in=school_ids).select_related("school")


def referral_records(pupil: Any, user: User) -> list[PupilRecord]:
    """The pupil's referrals `user` may see, as records a concern may be linked to."""
    found = referrals_visible_to(user).filter(pupil=pupil).select_related("panel")
    return pupil_records("referral", found, url="referrals:detail", label=_record_label)


def _record_label(referral: Referral) -> str:
    status = referral.get_status_display().lower()
    return f"Referral to {referral.panel} ({status}, started {referral.created_at:%-d %B %Y})"
