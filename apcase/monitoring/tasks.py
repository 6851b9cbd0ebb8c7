"""The monitoring app's periodic tasks (apcase.core.periodic, run by `run_worker`)."""

from django_tasks import task

from .services import check_registers as raise_register_follow_ups


@task()
def check_registers() -> int:
    """Raise follow-ups for registers not in by the cut-off (every five minutes;
    idempotent); returns how many were raised."""
    return raise_register_follow_ups()
