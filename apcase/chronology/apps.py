from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import autodiscover_modules


class ChronologyConfig(AppConfig):
    name = "apcase.chronology"

    def ready(self) -> None:
        # Every app declares its audit actions in its own `audit` module; importing them
        # all here fills the registry (chronology.actions) before the first request.
        autodiscover_modules("audit")
        if getattr(settings, "APCASE_FLUSH_LIFTS_SQLITE_AUDIT_TRIGGERS", False):
            from .sqlite_flush import install

            install()
