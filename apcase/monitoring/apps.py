from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "apcase.monitoring"

    def ready(self) -> None:
        from apcase.core import attention

        from .attention import absences_to_code, items_for

        attention.register(items_for)
        attention.register(absences_to_code)
