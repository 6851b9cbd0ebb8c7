"""What needs a user's attention on the home page from referrals and the emergency route
(the next panel meeting is the panel app's). Everything is read through the same scoped
selectors as the pages.

- The school's inclusion lead and headteacher: referrals to finish (drafts, and those
  the panel sent back), sign-offs awaiting the headteacher, emergency placements
  awaiting ratification or not ratified.
- LA officers: submitted referrals waiting for a panel meeting to be scheduled (past
  20, a count linking to the page listing every one), and
  emergency placements whose ratification is overdue (also the panel's members) or that
  no meeting is scheduled to ratify."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.core.attention import AttentionItem, Heading, all_listed_at, capped_in_one_read
from apcase.core.words import counted

from . import selectors, workflow
from .models import EmergencyPlacement, Intervention, Referral, ReferralDocument
from .sections import incomplete_sections

R = EmergencyPlacement.Ratification
SCHOOL = frozenset(policies.REFERRAL_SCHOOL_EDITOR_ROLES)
HEADTEACHER = frozenset({Role.HEADTEACHER})
LA = frozenset({Role.LA_OFFICER})
LA_CASE = frozenset(policies.LA_CASE_ROLES)
AWAITING_SHOWN = 20  # past it, one item says how many and links to them all


def _draft_item(user: User, referral: Referral) -> AttentionItem:
    href = reverse("referrals:detail", args=[referral.pk])
    name = referral.pupil.display_name
    if referral.status == Referral.Status.MORE_INFORMATION:
        return AttentionItem(
            f"The panel asked for more information about {name}",
            href,
            tag="Returned",
            tag_colour="orange",
            roles=SCHOOL,
            heading=Heading.REFERRALS,
        )
    missing = incomplete_sections(referral)
    if not missing and referral.signed_off_by_id is None:
        if policies.can_sign_off_referral(user, referral):
            return AttentionItem(
                f"Sign off the referral for {name}",
                href,
                roles=HEADTEACHER,
                heading=Heading.SIGN_OFFS,
            )
        return AttentionItem(
            f"The referral for {name} is waiting for the headteacher's sign-off",
            href,
            roles=SCHOOL,
            heading=Heading.SIGN_OFFS,
        )
    if missing:
        return AttentionItem(
            f"Continue the referral for {name}",
            href,
            detail=f"{counted(len(missing), 'section')} to complete.",
            tag="Draft",
            tag_colour="grey",
            roles=SCHOOL,
            heading=Heading.REFERRALS,
        )
    return AttentionItem(
        f"Submit the referral for {name}", href, roles=SCHOOL, heading=Heading.REFERRALS
    )


def _school_referral_items(user: User) -> list[AttentionItem]:
    # Only a school's editors finish its referrals (policies.can_edit_referral, asked of
    # each below): read theirs alone, not every returned referral an LA officer sees.
    school_ids = policies.organisation_ids_for(user, policies.REFERRAL_SCHOOL_EDITOR_ROLES)
    if not school_ids:
        return []
    referrals = (
        selectors.referrals_visible_to(user)
        .filter(status__in=[Referral.Status.DRAFT, Referral.Status.MORE_INFORMATION])
        .filter(school_id__in=school_ids)
        .select_related("pupil", "school")
        # What the sections ask of the referral's lists, read in the same query: the
        # page asks as many queries however many drafts there are.
        .annotate(
            has_interventions=Exists(Intervention.objects.filter(referral_id=OuterRef("pk"))),
            has_documents=Exists(ReferralDocument.objects.filter(referral_id=OuterRef("pk"))),
        )
        .order_by("created_at", "pk")
    )
    return [_draft_item(user, r) for r in referrals if policies.can_edit_referral(user, r)]


def waiting_detail(referral: Referral) -> str:
    """What the home page and the page of every referral waiting say of one."""
    if referral.status == Referral.Status.DEFERRED and referral.meeting is not None:
        return (
            f"From {referral.school}, deferred at the panel meeting on "
            f"{referral.meeting.date:%-d %B %Y}."
        )
    if referral.submitted_at:
        return f"From {referral.school}, submitted on {referral.submitted_at:%-d %B %Y}."
    return f"From {referral.school}."


def _awaiting_item(referral: Referral) -> AttentionItem:
    return AttentionItem(
        f"Referral for {referral.pupil.display_name} awaits a panel meeting",
        reverse("referrals:detail", args=[referral.pk]),
        detail=waiting_detail(referral),
        tag="Not scheduled",
        tag_colour="orange",
        roles=LA,
        heading=Heading.SCHEDULING,
    )


def _awaiting_scheduling(user: User) -> list[AttentionItem]:
    """The longest waiting AWAITING_SHOWN referrals for a panel meeting
    (`selectors.awaiting_scheduling_for`; hundreds at a large authority); past them,
    one item says how many there are in all and links to the page listing every one."""
    if not policies.organisation_ids_for(user, LA):
        return []
    return capped_in_one_read(
        selectors.awaiting_scheduling_for(user),
        _awaiting_item,
        shown=AWAITING_SHOWN,
        more=all_listed_at(
            "referrals awaiting a panel meeting",
            reverse("referrals:awaiting_scheduling"),
            shown=f"The {AWAITING_SHOWN} waiting longest",
            roles=LA,
            heading=Heading.SCHEDULING,
        ),
    )


def _emergency_item(emergency: EmergencyPlacement, school_side: bool) -> AttentionItem | None:
    href = reverse("referrals:emergency_detail", args=[emergency.pk])
    name = emergency.pupil.display_name
    roles = SCHOOL if school_side else LA_CASE
    if emergency.ratification == R.NOT_RATIFIED:
        return AttentionItem(
            f"End or replace the emergency placement for {name}",
            href,
            detail="The panel did not ratify it.",
            tag="Not ratified",
            tag_colour="red",
            roles=roles,
            heading=Heading.RATIFICATIONS,
        )
    if workflow.is_overdue(emergency, today=timezone.localdate()):
        return AttentionItem(
            f"Emergency placement for {name} awaits ratification",
            href,
            detail=f"The panel meeting on {emergency.meeting.date:%-d %B %Y} did not ratify it."
            if emergency.meeting
            else "",
            tag="Overdue",
            tag_colour="red",
            roles=roles,
            heading=Heading.RATIFICATIONS,
        )
    if not school_side and emergency.meeting is not None:
        # The LA officer is told once ratification is overdue, and every day while no
        # meeting is to ratify it (its reminder goes once: panel.reminders).
        return None
    meeting = emergency.meeting
    return AttentionItem(
        f"Emergency placement for {name} awaits ratification",
        href,
        detail=f"At the panel meeting on {meeting.date:%-d %B %Y}."
        if meeting
        else "No panel meeting is scheduled to ratify it yet.",
        tag="Pending",
        tag_colour="yellow",
        roles=roles,
        heading=Heading.RATIFICATIONS,
    )


def _emergency_items(user: User) -> list[AttentionItem]:
    school_ids = policies.organisation_ids_for(user, SCHOOL)
    la_ids = policies.organisation_ids_for(user, LA_CASE)
    if not (school_ids or la_ids):
        return []
    items = []
    for emergency in (
        selectors.emergencies_visible_to(user)
        .filter(ratification__in=[R.AWAITING, R.NOT_RATIFIED])
        .filter(Q(school_id__in=school_ids) | Q(panel__local_authority_id__in=la_ids))
        .order_by("pk")
    ):
        item = _emergency_item(emergency, school_side=emergency.school_id in school_ids)
        if item is not None:
            items.append(item)
    return items


def referral_items(user: User) -> list[AttentionItem]:
    if not (policies.can_view_referrals(user) or policies.can_view_panel(user)):
        return []
    return _school_referral_items(user) + _awaiting_scheduling(user) + _emergency_items(user)
