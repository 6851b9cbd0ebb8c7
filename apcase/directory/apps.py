from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "apcase.directory"

    def ready(self) -> None:
        from apcase.core import attention, periodic

        from . import tasks
        from .attention import items_for

        periodic.register(tasks.check_assurance, daily_at=periodic.daily())
        attention.register(items_for)
