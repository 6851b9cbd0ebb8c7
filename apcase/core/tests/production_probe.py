"""Run as a separate process with APCASE_ENV=production (see test_security.py): signs in
over HTTPS against a throwaway SQLite file under production settings and prints, as
JSON, the cookies and security headers a browser would get."""

import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(BASE_DIR))


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from apcase.accounts.models import User

    call_command("migrate", verbosity=0)
    User.objects.create_user(email="probe@apcase.example", password="Probe-password-2026")  # noqa: S106
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
    response = client.post(
        "/account/sign-in/",
        {"username": "probe@apcase.example", "password": "Probe-password-2026"},
        secure=True,
    )
    plain = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0]).get("/account/sign-in/")
    cookies = {
        name: {
            "secure": bool(morsel["secure"]),
            "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"],
            "path": morsel["path"],
            "domain": morsel["domain"],
        }
        for name, morsel in response.cookies.items()
    }
    print(  # noqa: T201 - the test reads this process's output
        json.dumps(
            {
                "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE"),
                "status": response.status_code,
                "location": response.get("Location", ""),
                "cookies": cookies,
                "hsts": response.get("Strict-Transport-Security", ""),
                "plain_http_status": plain.status_code,
                "plain_http_location": plain.get("Location", ""),
            }
        )
    )


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    main()
