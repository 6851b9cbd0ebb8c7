"""A person's own settings: how they get email that is not urgent (immediately, or in
a daily digest) and their calendar feed's secret address. Each change is audited, as
any change to an account is."""

from django.db import transaction

from apcase.access import policies
from apcase.chronology.services import record_event
from apcase.core.errors import NotPermitted
from apcase.notifications.models import EmailChoice

from ..audit import AccountAction
from ..models import CalendarFeed, User, hash_token, new_token


def _check_own_settings(by: User) -> None:
    if not policies.can_use_service(by):
        raise NotPermitted("You have no role in the service.")


def set_email_choice(*, by: User, daily_digest: bool) -> bool:
    """Record `by`'s own choice; returns whether it changed. Urgent messages are
    emailed at once whatever the choice (notifications.messages)."""
    _check_own_settings(by)
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


def make_calendar_feed(*, by: User) -> str:
    """A new secret address for `by`'s calendar feed; any earlier one stops working.
    Returns the token, which is not kept (only its hash): shown once."""
    _check_own_settings(by)
    token = new_token()
    with transaction.atomic():
        replaced = CalendarFeed.objects.filter(user=by).delete()[0] > 0
        CalendarFeed.objects.create(user=by, token_hash=hash_token(token))
        record_event(
            by=by,
            action=AccountAction.CALENDAR_FEED_CREATED,
            target=by,
            summary="New calendar feed address made"
            + (": the old one stopped working" if replaced else ""),
            changes={"calendar_feed": [None, "made"]},
        )
    return token


def revoke_calendar_feed(*, by: User) -> bool:
    """Turn `by`'s calendar feed off: its address answers 404 from now on. Returns
    whether there was one."""
    _check_own_settings(by)
    with transaction.atomic():
        if not CalendarFeed.objects.filter(user=by).delete()[0]:
            return False
        record_event(
            by=by,
            action=AccountAction.CALENDAR_FEED_REVOKED,
            target=by,
            summary="Calendar feed turned off",
            changes={"calendar_feed": ["made", None]},
        )
    return True
