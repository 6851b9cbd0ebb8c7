"""The local authority is told of a part-time timetable: an email to each of its
officers through the outbox, in the plan's own transaction, naming the child by first
name and initial only, with a full link to the plan; the same notice as a letter (PDF,
`reintegration:la_letter`). A school whose LA has no officer in apcase is told to send
the letter itself: the plan says so until someone is notified."""

from django.urls import reverse

from apcase.accounts.models import Membership
from apcase.accounts.roles import Role
from apcase.notifications.services import absolute_url, queue_email

from .models import ReintegrationPlan


def la_officer_emails(plan: ReintegrationPlan) -> list[str]:
    la = plan.placement.pupil.school.local_authority
    if la is None:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                organisation=la, role=Role.LA_OFFICER, is_active=True, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def notify_la_of_part_time(plan: ReintegrationPlan) -> list[str]:
    """Queue the notice to the LA's officers; returns who was told."""
    to = la_officer_emails(plan)
    pupil = plan.placement.pupil
    link = absolute_url(reverse("reintegration:detail", args=[plan.pk]))
    body = (
        f"{pupil.school.name} has agreed a reintegration plan with a part-time timetable "
        f"for {pupil.initialled_name}, from {plan.start_date:%-d %B %Y}; the part-time "
        f"timetable ends on {plan.part_time_ends_on:%-d %B %Y} and the target date to be "
        f"back full time is {plan.target_full_time_date:%-d %B %Y}.\n\n"
        f"The plan, its phases and the letter (PDF) are in apcase (you will be asked to "
        f"sign in):\n{link}\n"
    )
    for address in to:
        queue_email(
            to=address,
            subject="Part-time timetable agreed: notice to the local authority",
            body=body,
        )
    return to
