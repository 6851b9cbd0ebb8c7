"""What needs a user's attention on the home page from referrals and the emergency route
(the next panel meeting is the panel app's). Everything is read through the same scoped
selectors as the pages."""

from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.attention import AttentionItem

from . import selectors, workflow
from .models import EmergencyPlacement, Referral
from .sections import incomplete_sections

R = EmergencyPlacement.Ratification


def referral_items(user: User) -> list[AttentionItem]:
    if not (policies.can_view_referrals(user) or policies.can_view_panel(user)):
        return []
    items: list[AttentionItem] = []
    for referral in selectors.referrals_visible_to(user).filter(
        status__in=[Referral.Status.DRAFT, Referral.Status.MORE_INFORMATION]
    ):
        if not policies.can_edit_referral(user, referral):
            continue
        href = reverse("referrals:detail", args=[referral.pk])
        name = referral.pupil.display_name
        if referral.status == Referral.Status.MORE_INFORMATION:
            items.append(
                AttentionItem(
                    f"The panel asked for more information about {name}",
                    href,
                    tag="Returned",
                    tag_colour="govuk-tag--orange",
                )
            )
        elif not incomplete_sections(referral) and referral.signed_off_by_id is None:
            if policies.can_sign_off_referral(user, referral):
                items.append(AttentionItem(f"Sign off the referral for {name}", href))
            else:
                items.append(
                    AttentionItem(
                        f"The referral for {name} is waiting for the headteacher's sign-off",
                        href,
                    )
                )
        elif incomplete_sections(referral):
            items.append(
                AttentionItem(
                    f"Continue the referral for {name}",
                    href,
                    tag="Draft",
                    tag_colour="govuk-tag--grey",
                )
            )
        else:
            items.append(AttentionItem(f"Submit the referral for {name}", href))
    today = timezone.localdate()
    for emergency in selectors.emergencies_visible_to(user).filter(
        ratification__in=[R.AWAITING, R.NOT_RATIFIED]
    ):
        href = reverse("referrals:emergency_detail", args=[emergency.pk])
        name = emergency.pupil.display_name
        if emergency.ratification == R.NOT_RATIFIED:
            items.append(
                AttentionItem(
                    f"End or replace the emergency placement for {name}",
                    href,
                    detail="The panel did not ratify it.",
                    tag="Not ratified",
                    tag_colour="govuk-tag--red",
                )
            )
        elif workflow.is_overdue(emergency, today=today):
            items.append(
                AttentionItem(
                    f"Emergency placement for {name} awaits ratification",
                    href,
                    tag="Overdue",
                    tag_colour="govuk-tag--red",
                )
            )
    return items
