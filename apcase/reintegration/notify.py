"""The local authority is told of a part-time timetable: an email to each of its
officers through the outbox, in the plan's own transaction, naming the child by first
name and initial only, with a full link to the plan; the same notice as a letter (PDF,
`reintegration:la_letter`). A school whose LA has no officer in apcase is told to send
the letter itself: the plan says so until someone is notified."""

from django.urls import reverse

from apcase.accounts.models import User
from apcase.accounts.roles import Role
from apcase.accounts.selectors import holders
from apcase.notifications import messages

from .models import ReintegrationPlan


def la_officers(plan: ReintegrationPlan) -> list[User]:
    return holders(plan.placement.pupil.school.local_authority, [Role.LA_OFFICER])


def la_officer_emails(plan: ReintegrationPlan) -> list[str]:
    return [person.email for person in la_officers(plan)]


def notify_la_of_part_time(plan: ReintegrationPlan) -> list[str]:
    """Send the notice to the LA's officers; returns who was told."""
    officers = la_officers(plan)
    pupil = plan.placement.pupil
    messages.send(
        "reintegration/messages/part_time_notice.txt",
        to=officers,
        child=pupil,
        link=reverse("reintegration:detail", args=[plan.pk]),
        school=pupil.school.name,
        start=plan.start_date,
        part_time_ends=plan.part_time_ends_on,
        target=plan.target_full_time_date,
    )
    return [person.email for person in officers]
