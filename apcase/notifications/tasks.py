"""The notifications app's periodic tasks (apcase.core.periodic, run by `run_worker`)."""

from django_tasks import task

from . import services


@task()
def send_outbox() -> int:
    """Send the emails waiting in the outbox (every minute); returns how many went."""
    return services.deliver_pending()
