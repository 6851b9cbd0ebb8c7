"""Reads of panels and meetings, scoped to the local authority a user works for."""

import datetime
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import Organisation, User
from apcase.accounts.roles import Role
from apcase.chronology.services import log_access, log_accesses
from apcase.core.queries import one_or_404
from apcase.pupils.models import Carer, display_name_of
from apcase.referrals.models import EmergencyPlacement, Referral, ReferralDocument

from .models import InclusionPanel, LetterSent, PanelDecision, PanelMeeting, cutoff_days


def panel_for_school(school: Organisation) -> InclusionPanel | None:
    """The inclusion panel a school refers to: its local authority's (the first by name
    when an LA runs several)."""
    if school.local_authority_id is None:
        return None
    return InclusionPanel.objects.filter(local_authority_id=school.local_authority_id).first()


def meeting_for_submission(panel: InclusionPanel, *, on: datetime.date) -> PanelMeeting | None:
    """The first scheduled (not yet held, postponed or cancelled) meeting whose cut-off
    (meeting date minus the cut-off days) is on or after `on`: a referral submitted
    that day joins its agenda. Decisions recorded at a meeting do not hold it, so a
    meeting still to come is never skipped for looking held."""
    return (
        PanelMeeting.objects.filter(
            panel=panel,
            status=PanelMeeting.Status.SCHEDULED,
            date__gte=on + datetime.timedelta(days=cutoff_days()),
        )
        .order_by("date", "start_time")
        .first()
    )


def next_meeting_after(panel: InclusionPanel, *, day: datetime.date) -> PanelMeeting | None:
    """The first scheduled meeting after `day`, and not before today (deferred items
    and emergency ratifications go there whatever the cut-off; a past meeting still
    awaiting closure is not where anything goes next)."""
    return (
        PanelMeeting.objects.filter(
            panel=panel,
            status=PanelMeeting.Status.SCHEDULED,
            date__gt=day,
            date__gte=timezone.localdate(),
        )
        .order_by("date", "start_time")
        .first()
    )


def next_meeting_from(panel: InclusionPanel, *, day: datetime.date) -> PanelMeeting | None:
    return (
        PanelMeeting.objects.filter(
            panel=panel, status=PanelMeeting.Status.SCHEDULED, date__gte=day
        )
        .order_by("date", "start_time")
        .first()
    )


def panels_visible_to(user: User) -> QuerySet[InclusionPanel]:
    la_ids = policies.organisation_ids_for(user, policies.LA_CASE_ROLES)
    return InclusionPanel.objects.filter(local_authority_id__in=la_ids)


def panels_scheduled_by(user: User) -> QuerySet[InclusionPanel]:
    la_ids = policies.organisation_ids_for(user, {policies.Role.LA_OFFICER})
    return InclusionPanel.objects.filter(local_authority_id__in=la_ids)


def meetings_visible_to(user: User) -> QuerySet[PanelMeeting]:
    return (
        PanelMeeting.objects.filter(panel__in=panels_visible_to(user))
        .select_related("panel", "panel__local_authority", "chair")
        .order_by("date", "start_time")
    )


def upcoming_meetings_for(user: User, today: datetime.date) -> QuerySet[PanelMeeting]:
    """Meetings from today on not yet held, soonest first."""
    return (
        meetings_visible_to(user)
        .filter(date__gte=today)
        .exclude(status=PanelMeeting.Status.HELD)
        .order_by("date", "start_time", "pk")
    )


def past_meetings_for(user: User, today: datetime.date) -> QuerySet[PanelMeeting]:
    """Meetings held or dated before today, the latest first (then by pk: a total order,
    so the list's pages never overlap). They grow every month, so the page pages them."""
    return (
        meetings_visible_to(user)
        .filter(Q(date__lt=today) | Q(status=PanelMeeting.Status.HELD))
        .order_by("-date", "-start_time", "-pk")
    )


def get_meeting_for(user: User, meeting_id: int) -> PanelMeeting:
    return one_or_404(meetings_visible_to(user), meeting_id, "No such meeting.")


def decisions_visible_to(user: User) -> QuerySet[PanelDecision]:
    """LA case roles see their panels' decisions; the referring school's referral
    roles see decisions on their own referrals and emergency placements."""
    la_panels = panels_visible_to(user)
    school_ids = policies.organisation_ids_for(user, policies.REFERRAL_SCHOOL_VIEWER_ROLES)
    return PanelDecision.objects.filter(
        Q(meeting__panel__in=la_panels)
        | Q(referral__school_id__in=school_ids)
        | Q(emergency__school_id__in=school_ids)
    ).select_related(
        "meeting",
        "meeting__panel",
        "referral",
        "referral__pupil",
        "referral__school",
        "emergency",
        "emergency__pupil",
        "emergency__school",
        "provider",
        "recorded_by",
    )


def get_decision_for(user: User, decision_id: int) -> PanelDecision:
    return one_or_404(decisions_visible_to(user), decision_id, "No such decision.")


def _log_decision_read(user: User, decision: PanelDecision, action: str) -> None:
    item = decision.referral or decision.emergency
    log_access(
        by=user,
        action=action,
        target=decision,
        organisation=item.school if item is not None else None,
        pupil_id=item.pupil_id if item is not None else None,
    )


def read_decision_for(user: User, decision_id: int) -> PanelDecision:
    """The decision for its page; the read is logged."""
    decision = get_decision_for(user, decision_id)
    _log_decision_read(user, decision, "decision.viewed")
    return decision


def read_decision_letter_for(user: User, decision_id: int, recipient: str) -> PanelDecision:
    """The decision for the letter to `recipient` ("school" or "parents"); logged."""
    decision = get_decision_for(user, decision_id)
    _log_decision_read(user, decision, f"decision_letter_{recipient}_read")
    return decision


def read_panel_pack_for(user: User, meeting_id: int) -> tuple[PanelMeeting, dict[str, Any]]:
    """The meeting and its agenda for the panel pack, if `user` may read the pack (404
    otherwise). The download, and each referral in it, is logged."""
    meeting = get_meeting_for(user, meeting_id)
    if not policies.can_read_panel_pack(user, meeting):
        raise Http404("No such meeting.")
    agenda = pack_agenda_of(meeting)
    referrals = [referral for referral, _ in agenda["referral_items"]]
    organisation = meeting.panel.local_authority
    log_access(by=user, action="panel_pack_downloaded", target=meeting, organisation=organisation)
    log_accesses(
        by=user,
        action="panel_pack_referral_read",
        targets=[(referral, referral.pupil_id) for referral in referrals],
        organisation=organisation,
    )
    return meeting, agenda


def pack_agenda_of(meeting: PanelMeeting) -> dict[str, Any]:
    """The agenda with all the pack prints: every referral's interventions and
    documents read in two queries for the whole agenda, not two per referral, and kept
    as lists on each referral (`pack_interventions`, `pack_documents`, in their
    models' order), which spares building two querysets per referral to hold them."""
    agenda = agenda_of(meeting)
    referrals = [referral for referral, _ in agenda["referral_items"]]
    prefetch_related_objects(
        referrals,
        Prefetch("interventions", to_attr="pack_interventions"),
        Prefetch("documents", to_attr="pack_documents"),
    )
    return agenda


def sitting_members(meeting: PanelMeeting) -> list[Any]:
    """The meeting's members (chair first) who hold a panel role in its LA, in one read."""
    from apcase.accounts.models import User

    named = Q(pk__in=meeting.members.order_by().values("pk"))
    if meeting.chair_id:
        named |= Q(pk=meeting.chair_id)
    users = User.objects.filter(
        named,
        memberships__organisation_id=meeting.panel.local_authority_id,
        memberships__role__in=policies.PANEL_SITTING_ROLES,
        memberships__is_active=True,
    ).distinct()
    return sorted(users, key=lambda u: (u.pk != meeting.chair_id, u.full_name))


def la_panel_people(panel: InclusionPanel) -> QuerySet[Any]:
    """People who may be named as members or chair of the panel's meetings."""
    from apcase.accounts.models import User

    return User.objects.filter(
        memberships__organisation_id=panel.local_authority_id,
        memberships__role__in=policies.PANEL_SITTING_ROLES,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def agenda_of(meeting: PanelMeeting) -> dict[str, Any]:
    """The items of a meeting the caller fetched through get_meeting_for: referrals on it (or decided at it and since moved on, as a
    deferral does) and emergency placements to ratify, each with its decision if any,
    every column read (the pack prints them)."""
    return _agenda(
        meeting,
        Referral.objects.select_related("pupil", "school", "signed_off_by", "preferred_provider"),
        EmergencyPlacement.objects.select_related("pupil", "school", "placement__provider"),
        PanelDecision.objects.all(),
    )


# The columns the agenda page shows of each item: the pupil's name, the school or
# provider, the referral's status (whether a decision may be recorded), the decision's
# outcome. A referral's written sections are most of its row, and the page shows none.
_PUPIL_NAME = (
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_name",
    "pupil__preferred_last_name",
)


def _decided_at(meeting: PanelMeeting) -> QuerySet[PanelDecision, Any]:
    """The ids of the referrals decided at `meeting` (some have since moved on)."""
    return (
        PanelDecision.objects.filter(meeting=meeting, referral__isnull=False)
        .order_by()
        .values("referral_id")
    )


def _document_count() -> Coalesce:
    """How many documents the referral of the row has, as a subquery (0 for none)."""
    documents = (
        ReferralDocument.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(documents), 0)


def agenda_page_of(meeting: PanelMeeting) -> dict[str, Any]:
    """`agenda_of` with only what the agenda page shows of each item, its referrals as
    values, each as the table prints it: no model built for a referral, its pupil or
    its school. The referrals on the agenda and those decided at it and since moved on
    are read as two sets, each by its own index, and put together by the database (a
    UNION), rather than every referral read to match the ids of the two."""
    columns = ("pk", "status", "submitted_at", *_PUPIL_NAME, "school__name", "document_count")
    # Unordered parts: the UNION is ordered as a whole (SQLite refuses ordered parts).
    counted = Referral.objects.order_by().annotate(document_count=_document_count())
    decided_here = _decided_at(meeting)
    rows = (
        counted.filter(meeting=meeting)
        .values(*columns)
        .union(counted.filter(pk__in=decided_here).values(*columns))
        .order_by("submitted_at", "pk")
    )
    emergencies = (
        EmergencyPlacement.objects.select_related("pupil", "placement__provider")
        .only("created_at", "pupil_id", "placement_id", *_PUPIL_NAME, "placement__provider__name")
        .filter(meeting=meeting)
        .order_by("-created_at", "-pk")
    )
    decisions: dict[Any, PanelDecision] = {}
    for decision in PanelDecision.objects.only(
        "meeting_id", "referral_id", "emergency_id", "outcome"
    ).filter(meeting=meeting):
        decisions[decision.referral_id or f"e{decision.emergency_id}"] = decision
    return {
        "referral_items": [(_agenda_row(row), decisions.get(row["pk"])) for row in rows],
        "emergency_items": [(e, decisions.get(f"e{e.pk}")) for e in emergencies],
    }


def _agenda_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "pk": row["pk"],
        "pupil": display_name_of(*(row[name] for name in _PUPIL_NAME)),
        "school": row["school__name"],
        "status": row["status"],
        "document_count": row["document_count"],
    }


def _agenda(
    meeting: PanelMeeting,
    referral_rows: QuerySet[Referral],
    emergency_rows: QuerySet[EmergencyPlacement],
    decision_rows: QuerySet[PanelDecision],
) -> dict[str, Any]:
    # The referrals on the agenda by their ids, the two kinds read by their own indexes
    # (an OR of the two made PostgreSQL read every referral and every pupil). Subqueries
    # rather than joins to the decisions and documents: each referral is one row, so no
    # DISTINCT over every column of the referral and what it is read with.
    on_agenda = Referral.objects.filter(meeting=meeting).order_by().values("pk")
    decided_here = _decided_at(meeting)
    referrals = (
        referral_rows.filter(pk__in=on_agenda.union(decided_here))
        .annotate(document_count=_document_count())
        .order_by("submitted_at", "pk")
    )
    emergencies = emergency_rows.filter(meeting=meeting).order_by("-created_at", "-pk")
    decisions: dict[Any, PanelDecision] = {}
    for decision in decision_rows.filter(meeting=meeting):
        decisions[decision.referral_id or f"e{decision.emergency_id}"] = decision
    return {
        "referral_items": [(r, decisions.get(r.pk)) for r in referrals],
        "emergency_items": [(e, decisions.get(f"e{e.pk}")) for e in emergencies],
    }


def undecided_items(meeting: PanelMeeting) -> tuple[list[Referral], list[EmergencyPlacement]]:
    """What is on the meeting's agenda with no decision yet: what moves when the meeting
    is cancelled or postponed, and whose schools hear when its details change."""
    referrals = list(
        Referral.objects.filter(meeting=meeting, status=Referral.Status.SCHEDULED).select_related(
            "pupil", "school"
        )
    )
    emergencies = list(
        EmergencyPlacement.objects.filter(
            meeting=meeting, ratification=EmergencyPlacement.Ratification.AWAITING
        ).select_related("pupil", "school")
    )
    return referrals, emergencies


def referrals_on_agenda(meeting: PanelMeeting) -> QuerySet[Referral]:
    return Referral.objects.filter(meeting=meeting).select_related("pupil")


LETTER_SENDER_ROLES = frozenset({Role.LA_OFFICER})


# A restriction holds a character Python's `str.strip` keeps (`Carer.is_restricted`,
# which the decision page asks): not only spaces. PostgreSQL's `\S` takes a no-break
# space or another Unicode space for writing, so the list would have left out a decision
# whose page offered the letter; those spaces are named here (Python's `re`, which
# SQLite's regular expressions run on, reads the same pattern the same way).
RESTRICTION_WRITTEN = (
    r"[^\s\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)


# The pupil of a decision's item, referral or emergency placement, as `waiting_carers`
# reads it (`OuterRef("item_pupil")`).
ITEM_PUPIL = Coalesce("referral__pupil_id", "emergency__pupil_id")


def waiting_carers() -> QuerySet[Carer]:
    """The carers of the decision's pupil (`OuterRef("item_pupil")`) a letter must still
    go to: with parental responsibility, under no restriction, and none sent to them."""
    # A letter whose carer was removed since names nobody (carer_id NULL): left out, for
    # `NOT IN` a list holding NULL is true of no one, which hid every parent still
    # waiting for a letter on that decision.
    sent = LetterSent.objects.filter(decision=OuterRef(OuterRef("pk")), carer__isnull=False).values(
        "carer_id"
    )
    return (
        Carer.objects.filter(pupil_id=OuterRef("item_pupil"), parental_responsibility=True)
        # No restriction: blank (the equality, true of almost every carer, spares the
        # regular expression a scan of every carer would run) or only spaces.
        .filter(Q(restriction="") | ~Q(restriction__regex=RESTRICTION_WRITTEN))
        .exclude(pk__in=sent)
    )


def letters_not_sent_read_by(user: User) -> QuerySet[PanelDecision]:
    """`letters_not_sent_for`, for the page that lists them all: it names every child
    waiting and their carers, so the read is logged (the home page's few are not)."""
    decisions = letters_not_sent_for(user)
    log_access(by=user, action="panel.letters_not_sent_viewed", target=("letters_not_sent", ""))
    return decisions


def letters_not_sent_for(user: User) -> QuerySet[PanelDecision]:
    """The decisions of the LA officer's own panels whose letters to the pupil's parents
    have not all gone (a carer under a restriction gets none, so is not waited for),
    oldest meeting first: the home page lists the first of them, the page
    `panel:letters_not_sent` every one. Nothing for anyone who is not an LA officer."""
    la_ids = policies.organisation_ids_for(user, LETTER_SENDER_ROLES)
    if not la_ids:
        return PanelDecision.objects.none()
    return (
        decisions_visible_to(user)
        .filter(meeting__panel__local_authority_id__in=la_ids)
        # Only the decisions that may have a letter due (a kept flag, true of every one
        # that has: docs/adr/0017), then the live rule: the LA's decisions of every year
        # are never read whole.
        .filter(letters_may_be_due=True)
        .annotate(item_pupil=ITEM_PUPIL)
        .filter(Exists(waiting_carers()))
        .order_by("meeting__date", "pk")
    )
