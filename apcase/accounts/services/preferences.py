"""A person's own settings: how they get email that is not urgent (immediately, or in
a daily digest). Each change is audited, as any change to an account is."""

from django.db import transaction

from apcase.access import policies
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted
from apcase.notifications.models import EmailChoice

from ..audit import AccountAction
from ..models import User


def set_email_choice(*, by: User, daily_digest: bool) -> bool:
    """Record `by`'s own choice; returns whether it changed. Urgent messages are
    emailed at once whatever the choice (notifications.messages)."""
    if not policies.can_use_service(by):
        raise NotPermitted("You have no role in the service.")
    with transaction.atomic():
        choice, _ = EmailChoice.objects.select_for_update().get_or_create(user=by)
        before = choice.daily_digest
        if before == daily_digest:
            return False
        EmailChoice.objects.filter(pk=choice.pk).update(daily_digest=daily_digest)
        record_event(
            by=by,
            action=AccountAction.EMAIL_CHOICE_CHANGED,
            target=by,
            summary="Emails that are not urgent: "
            + ("once a day, in a digest" if daily_digest else "straight away"),
            changes={"daily_digest": [before, daily_digest]},
        )
    return True
