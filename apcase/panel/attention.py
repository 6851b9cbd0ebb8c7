"""What needs a user's attention on the home page from the panel: its next meeting and
what is on the agenda, read through the same scoped selectors as the pages."""

from django.urls import reverse
from django.utils import timezone

from apcase.access import policies
from apcase.accounts.models import User
from apcase.core.attention import AttentionItem

from .models import PanelMeeting
from .selectors import meetings_visible_to


def next_meeting(user: User) -> list[AttentionItem]:
    if not policies.can_view_panel(user):
        return []
    today = timezone.localdate()
    meeting = (
        meetings_visible_to(user)
        .filter(date__gte=today, status=PanelMeeting.Status.SCHEDULED)
        .first()
    )
    if meeting is None:
        return []
    count = meeting.referrals.count() + meeting.emergencies.count()
    return [
        AttentionItem(
            f"Next panel meeting: {meeting.date:%-d %B %Y}",
            reverse("panel:meeting_detail", args=[meeting.pk]),
            detail=f"{count} item{'' if count == 1 else 's'} on the agenda",
        )
    ]
