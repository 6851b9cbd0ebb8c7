from django.apps import AppConfig
from django.conf import settings


class ChronologyConfig(AppConfig):
    name = "apcase.chronology"

    def ready(self) -> None:
        if getattr(settings, "APCASE_FLUSH_LIFTS_SQLITE_AUDIT_TRIGGERS", False):
            from .sqlite_flush import install

            install()
