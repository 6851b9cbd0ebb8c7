"""Which settings a server process may start with.

A WSGI or ASGI server (gunicorn in production) imports `config.wsgi` or `config.asgi`,
and those refuse to start unless the environment says which settings to use:
`APCASE_ENV=production` loads `config.settings.production` (debug off, every secret
from the environment), `APCASE_ENV=development` loads `config.settings.local` (debug
on, a published key) and must be chosen explicitly. With `APCASE_ENV` unset, or set to
anything else, or with production chosen but settings that are not production's, the
process stops with ImproperlyConfigured rather than serve the development settings.

`manage.py` (and so `manage.py runserver` and `make run`) chooses development for
itself when `APCASE_ENV` is unset: it is the developer's tool."""

import os

from django.core.exceptions import ImproperlyConfigured

SETTINGS_FOR = {
    "production": "config.settings.production",
    "development": "config.settings.local",
}


def choose_settings() -> str:
    """Set DJANGO_SETTINGS_MODULE from APCASE_ENV (an explicit module is kept) and
    return APCASE_ENV; refuse to go on without an explicit choice."""
    chosen = os.environ.get("APCASE_ENV", "")
    if chosen not in SETTINGS_FOR:
        raise ImproperlyConfigured(
            "APCASE_ENV must be set to 'production' (or, on a developer's machine only, "
            f"'development') before the web server starts; it is {chosen or 'unset'!r}. "
            "See docs/deployment.md."
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_FOR[chosen])
    return chosen


def check_loaded_settings(chosen: str) -> None:
    """After Django is set up: production must really have production's settings."""
    from django.conf import settings

    if chosen == "production" and (settings.DEBUG or settings.APCASE_ENV != "production"):
        raise ImproperlyConfigured(
            f"APCASE_ENV is 'production' but {os.environ['DJANGO_SETTINGS_MODULE']} "
            "is not the production settings (DEBUG must be off)."
        )
