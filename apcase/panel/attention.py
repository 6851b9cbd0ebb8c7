"""What needs a user's attention on the home page from the panel, read through the same
scoped selectors as the pages:

- panel members, the chair and LA officers: the next meeting, with how many items are
  on its agenda and the cut-off date for referrals to join it;
- the chair and LA officers (who record decisions): each meeting whose day has come
  with items on its agenda still undecided;
- LA officers: each of their panel's decisions whose letters to the parents have not
  all gone."""

from django.db.models import Count, Q, QuerySet, Window
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.core.attention import AttentionItem, Heading, all_listed_at
from apcase.core.words import counted
from apcase.referrals.models import EmergencyPlacement, Referral

from . import selectors
from .letters import LetterLine, letters_for_decisions
from .models import PanelDecision, PanelMeeting
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
            detail=f"{counted(count, 'item')} on the agenda. {cutoff}",
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
                detail=f"{counted(count, 'item')} on its agenda without a decision.",
                tag="To record",
                tag_colour="orange",
                roles=RECORDERS,
                heading=Heading.DECISIONS,
            )
        )
    return items


LETTER_SENDERS = selectors.LETTER_SENDER_ROLES
LETTERS_SHOWN = 20  # past it, one item says how many and links to them all


def letters_not_sent(user: User) -> list[AttentionItem]:
    """The LA's own panel decisions whose letters to the pupil's parents have not all
    gone (`selectors.letters_not_sent_for`), the oldest LETTERS_SHOWN, each one click
    from the decision record where they are sent; past them, one item says how many
    there are in all and links to the page listing every one."""
    rows = selectors.letters_not_sent_for(user)
    # Which are the oldest, and how many there are in all, are read in one query without
    # the records each decision is shown with (a sort of every waiting decision joined
    # to its pupil, school and recorder cost more than this and the next read together);
    # then the oldest are read, through the same scoped selector, with only what their
    # items show (the meeting's date, the pupil): not the test of every carer again,
    # for their letters are read next and say which are still waiting.
    oldest = list(
        rows.annotate(in_all=Window(Count("pk"))).values_list("pk", "in_all")[:LETTERS_SHOWN]
    )
    if not oldest:
        return []
    found = (
        selectors.decisions_visible_to(user)
        .select_related(None)
        .select_related("meeting", "referral__pupil", "emergency__pupil")
        .in_bulk([pk for pk, _ in oldest])
    )
    decisions = [found[pk] for pk, _ in oldest if pk in found]
    letters = letters_for_decisions(decisions)
    # A decision whose last letter went between the reads is no longer waiting: left
    # out, never a failed page nor an item with nothing to send.
    items = []
    for decision in decisions:
        lines = letters.get(decision.pk, [])
        if any(line.can_hand for line in lines):
            items.append(_letters_item(decision, lines))
    if (count := oldest[0][1]) > LETTERS_SHOWN:
        more = all_listed_at(
            "decisions whose letters have not all been sent",
            reverse("panel:letters_not_sent"),
            shown=f"The oldest {LETTERS_SHOWN}",
            roles=LETTER_SENDERS,
            heading=Heading.LETTERS,
        )
        items.append(more(count))
    return items


def _letters_item(decision: PanelDecision, lines: list[LetterLine]) -> AttentionItem:
    item = decision.referral or decision.emergency
    assert item is not None  # noqa: S101 - the selector found the item's pupil
    waiting = [line for line in lines if line.can_hand]
    return AttentionItem(
        f"Send the decision letters for {item.pupil.display_name}",
        reverse("panel:decision_detail", args=[decision.pk]) + "#letters",
        detail=f"Panel decision of {decision.meeting.date:%-d %B %Y}: "
        f"{counted(len(waiting), 'letter')} to parents or carers not yet sent "
        f"({', '.join(line.carer.name for line in waiting)}).",
        tag="Not yet sent",
        tag_colour="orange",
        roles=LETTER_SENDERS,
        heading=Heading.LETTERS,
    )
