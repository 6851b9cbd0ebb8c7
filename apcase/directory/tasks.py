"""The directory app's periodic tasks (apcase.core.periodic, run by `run_worker`)."""

import logging

from django_tasks import task

from .services import send_assurance_alerts

logger = logging.getLogger(__name__)


@task()
def check_assurance() -> int:
    """Tell schools of lapsing provider assurance (daily; once per record, state and
    school); returns how many alerts were recorded. A school with nobody to tell is
    logged as an error and tried again on the next run."""
    run = send_assurance_alerts()
    for problem in run.nobody_to_tell:
        logger.error("Nobody to tell (no inclusion lead or headteacher): %s", problem)
    return run.sent
