from django.apps import AppConfig


class ReintegrationConfig(AppConfig):
    name = "apcase.reintegration"
    verbose_name = "Reintegration plans"

    def ready(self) -> None:
        from apcase.core import attention
        from apcase.notifications import reminders as notification_reminders
        from apcase.pupils import registry as pupils_registry

        from . import pupil_page, reminders
        from .attention import items_for

        attention.register(items_for)
        notification_reminders.register(reminders.part_time_ending)
        pupils_registry.register_section(pupil_page.SECTION)
