"""Secrets that travel in a request and must not be written to a log.

A calendar feed's token is its address (`/calendar/<token>.ics`: a calendar program
sends no header, so the address is the credential, docs/adr/0012), and an API key is
the Authorization header (docs/api.md). gunicorn's access log writes every request line
and Referer, and Django logs each 404's path, to the platform's log collector, read by
more people, and kept longer, than the database: there each token would open the feed
of the person it belongs to. Both loggers write `[redacted]` in its place."""

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
CALENDAR_TOKEN = re.compile(r"(/calendar/)[^/?#\s\"']+(\.ics)")
SECRET_HEADERS = ("{authorization}i", "{http_authorization}e")


def redact(text: str) -> str:
    return CALENDAR_TOKEN.sub(lambda match: f"{match[1]}{REDACTED}{match[2]}", text)


class RedactingLogger(Logger):
    """gunicorn's logger (`logger_class` in config/gunicorn_conf.py), whose access-log
    fields hold no calendar token and no Authorization header."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        cleaned = {name: redact(v) if isinstance(v, str) else v for name, v in atoms.items()}
        for name in SECRET_HEADERS:
            if name in cleaned:
                cleaned[name] = REDACTED
        return cleaned


class RedactSecrets(logging.Filter):
    """A filter of the application's log records (config/settings/base.py LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
