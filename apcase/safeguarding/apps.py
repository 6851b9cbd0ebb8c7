from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "apcase.safeguarding"
    verbose_name = "Safeguarding concerns"

    def ready(self) -> None:
        from apcase.core import attention

        from .attention import items_for

        attention.register(items_for)
