"""The WSGI entry point (gunicorn: `config.wsgi:application`). Refuses to start unless
APCASE_ENV chooses production, or development explicitly (config/entrypoint.py)."""

from django.core.wsgi import get_wsgi_application

from config.entrypoint import check_loaded_settings, choose_settings

_chosen = choose_settings()
application = get_wsgi_application()
check_loaded_settings(_chosen)
