from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "apcase.directory"

    def ready(self) -> None:
        from apcase.core import attention

        from .attention import items_for

        attention.register(items_for)
