"""gunicorn settings for production: `gunicorn -c config/gunicorn_conf.py`.

Tested by apcase/core/tests/test_deployment.py (it loads this file through gunicorn's
own configuration parser and starts a server with it). Each value can be changed from
the environment without editing the file; docs/deployment.md lists them."""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# Behind the load balancer or reverse proxy: listen on the port it forwards to.
bind = os.environ.get("APCASE_BIND", "127.0.0.1:8000")
# Synchronous workers: the application is CPU- and database-bound, every request short
# (threaded workers were measured under load and gained nothing overall: docs/adr/0016).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request taking longer than this is killed and logged: no page should take 30 s.
timeout = int(os.environ.get("APCASE_WORKER_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100
# Refuse oversized request lines and headers before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Only the proxy in front may set X-Forwarded-*: the addresses it connects from.
forwarded_allow_ips = os.environ.get("APCASE_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs to standard output and error, for the platform's log collector.
accesslog = "-"
errorlog = "-"
# The access log writes no calendar feed token and no API key (config/log_redaction.py).
logger_class = "config.log_redaction.RedactingLogger"
loglevel = os.environ.get("APCASE_LOG_LEVEL", "info")
# Load the application in the master once, so that a bad configuration (APCASE_ENV unset,
# no SECRET_KEY) stops the server at start rather than in every worker.
preload_app = True


def when_ready(server: object) -> None:
    """In the master, before it forks the workers (the application already loaded, as
    `preload_app` asks): do what a worker would otherwise do on its first requests
    (import the slow libraries and the URL configuration, compile the templates), so
    every worker, and every worker started again after `max_requests`, has it done
    rather than making the first person to open a page wait a second or more
    (apcase/core/slow_imports.py)."""
    from apcase.core.slow_imports import prepare_for_workers  # noqa: PLC0415

    prepare_for_workers()


# No management socket: the platform restarts the service; nothing else should steer it.
control_socket_disable = True
