#!/usr/bin/env python
"""Django's command-line utility for apcase."""

import os
import sys


def main() -> None:
    # manage.py is the developer's tool: unset means development, and it is set
    # explicitly so that runserver's config.wsgi (which refuses an unset APCASE_ENV)
    # starts too. Servers in production are started with APCASE_ENV=production.
    env = os.environ.setdefault("APCASE_ENV", "development")
    default = "config.settings.production" if env == "production" else "config.settings.local"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
