"""The ASGI entry point, with the same refusal as config/wsgi.py: no server starts on
the development settings unless APCASE_ENV=development is set explicitly."""

from django.core.asgi import get_asgi_application

from config.entrypoint import check_loaded_settings, choose_settings

_chosen = choose_settings()
application = get_asgi_application()
check_loaded_settings(_chosen)
