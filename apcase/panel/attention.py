"""What needs a user's attention on the home page from the panel, read through the same
scoped selectors as the pages:

- panel members, the chair and LA officers: the next meeting, with how many items are
  on its agenda and the cut-off date for referrals to join it;
- the chair and LA officers (who record decisions): each meeting whose day has come
  with items on its agenda still undecided."""

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.core.attention import AttentionItem, Heading
from apcase.referrals.models import EmergencyPlacement, Referral

from .models import PanelMeeting
from .selectors import meetings_visible_to

PANEL = frozenset({Role.PANEL_CHAIR, Role.PANEL_MEMBER, Role.LA_OFFICER})
RECORDERS = frozenset(policies.PANEL_RECORDER_ROLES)


def _with_counts(meetings: QuerySet[PanelMeeting]) -> QuerySet[PanelMeeting]:
    """Each meeting with what is on its agenda (`on_agenda`) and what of it is still
    undecided: referrals still scheduled for it (`open_referrals`) and emergency
    placements awaiting ratification (`open_emergencies`); one query for them all."""
    return meetings.annotate(
        on_agenda=Count("referrals", distinct=True) + Count("emergencies", distinct=True),
        open_referrals=Count(
            "referrals",
            filter=Q(referrals__status=Referral.Status.SCHEDULED),
            distinct=True,
        ),
        open_emergencies=Count(
            "emergencies",
            filter=Q(emergencies__ratification=EmergencyPlacement.Ratification.AWAITING),
            distinct=True,
        ),
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def next_meeting(user: User) -> list[AttentionItem]:
    if not policies.can_view_panel(user):
        return []
    today = timezone.localdate()
    meeting = _with_counts(
        meetings_visible_to(user).filter(date__gte=today, status=PanelMeeting.Status.SCHEDULED)
    ).first()
    if meeting is None:
        return []
    count: int = meeting.on_agenda  # type: ignore[attr-defined]
    cutoff = (
        f"Referrals submitted by {meeting.cutoff_date:%-d %B %Y} join it."
        if meeting.cutoff_date >= today
        else f"The cut-off for referrals to join it passed on {meeting.cutoff_date:%-d %B %Y}."
    )
    return [
        AttentionItem(
            f"Next panel meeting: {meeting.date:%-d %B %Y}",
            reverse("panel:meeting_detail", args=[meeting.pk]),
            detail=f"{_plural(count, 'item')} on the agenda. {cutoff}",
            roles=PANEL,
            heading=Heading.MEETINGS,
        )
    ]


def decisions_to_record(user: User) -> list[AttentionItem]:
    """Meetings whose day has come with items still undecided, for those who record."""
    if not policies.can_record_panel_decisions(user):
        return []
    la_ids = policies.organisation_ids_for(user, RECORDERS)
    meetings = _with_counts(
        meetings_visible_to(user).filter(
            panel__local_authority_id__in=la_ids,
            date__lte=timezone.localdate(),
            status=PanelMeeting.Status.SCHEDULED,
        )
    )
    items = []
    for meeting in meetings:
        count: int = meeting.open_referrals + meeting.open_emergencies  # type: ignore[attr-defined]
        if not count:
            continue
        items.append(
            AttentionItem(
                f"Record the decisions of the panel meeting on {meeting.date:%-d %B %Y}",
                reverse("panel:meeting_detail", args=[meeting.pk]),
                detail=f"{_plural(count, 'item')} on its agenda without a decision.",
                tag="To record",
                tag_colour="orange",
                roles=RECORDERS,
                heading=Heading.DECISIONS,
            )
        )
    return items
