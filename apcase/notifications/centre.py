"""The notification centre: each person's own alerts, newest first, and how many are
unread (the header shows the count on every page).

A person reads and marks only their own alerts: every function here is scoped to the
user it is given, so there is no id another person could guess. An alert names a child
by first name and initial and links to the page it is about, which applies its own
access rule when opened: a person who has since lost the role sees the alert but not
the page. Marking alerts read is the person's own view of their list, not a change to
any record, so it writes no audit event."""

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import EmailChoice, Notification

if TYPE_CHECKING:
    from apcase.accounts.models import User

# How many alerts the centre lists (newest first); older ones stay in the database.
SHOWN = 50


def notifications_for(user: "User") -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: "User") -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


# The name under which a user read by the sign-in backend (apcase.accounts.backends)
# carries their unread count, read in the same query as the account itself.
UNREAD_ON_USER = "unread_notifications_on_read"


def unread_count_of_each(user_table: str, user_key: str) -> RawSQL:
    """The unread count of each user row of a query on `user_table` (whose key column
    is `user_key`), as a subquery of that query: the signed-in floor reads it with the
    account rather than in a round trip of its own (docs/adr/0014). Written as SQL
    because the ORM's correlated subquery cost each request more Python work than the
    round trip saves; every name in it comes from the models, none from a request."""
    quote = connection.ops.quote_name
    meta = Notification._meta
    table = quote(meta.db_table)
    recipient = quote(meta.get_field("recipient").column)
    read_at = quote(meta.get_field("read_at").column)
    sql = (
        f"SELECT COUNT(*) FROM {table} "  # noqa: S608  # nosec B608 - names from the models
        f"WHERE {table}.{recipient} = {quote(user_table)}.{quote(user_key)} "
        f"AND {table}.{read_at} IS NULL"
    )
    return RawSQL(sql, ())  # noqa: S611  # nosec B611 - no parameter: names from the models


def header_count(user: "User") -> int:
    """The count the header shows: read with the account when the sign-in backend read
    it this request, else on its own."""
    found = getattr(user, UNREAD_ON_USER, None)
    return unread_count(user) if found is None else int(found)


def latest_for(user: "User") -> list[Notification]:
    return list(notifications_for(user)[:SHOWN])


def mark_all_read(user: "User") -> int:
    """Mark every unread alert of `user` read; returns how many were."""
    return notifications_for(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def daily_digest_chosen(user: "User") -> bool:
    """Whether `user` gets emails that are not urgent in a daily digest."""
    return EmailChoice.objects.filter(user=user, daily_digest=True).exists()
