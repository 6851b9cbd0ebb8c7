"""The placements app's periodic tasks (apcase.core.periodic, run by `run_worker`)."""

from django_tasks import task

from .services import send_daily_alerts


@task()
def check_placements() -> int:
    """Email today's placement alerts (daily; once a day each); returns emails queued."""
    return send_daily_alerts()
