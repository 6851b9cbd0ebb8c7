"""The notifications app's periodic tasks (apcase.core.periodic, run by `run_worker`)."""

from django_tasks import task

from . import services


@task()
def send_outbox() -> int:
    """Send the emails waiting in the outbox (every minute); returns how many went."""
    return services.deliver_pending()


@task()
def send_reminders() -> int:
    """Send the reminders due today, each once (daily); returns how many were sent."""
    from django.utils import timezone

    from . import reminders

    return reminders.send_due(timezone.localdate())


@task()
def send_digests() -> int:
    """Send each daily digest that is waiting (daily, after the reminders); returns how
    many were queued."""
    from . import digest

    return digest.send_digests()
