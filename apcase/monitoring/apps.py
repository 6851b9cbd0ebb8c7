from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "apcase.monitoring"

    def ready(self) -> None:
        from apcase.core import attention

        from .attention import items_for

        attention.register(items_for)
