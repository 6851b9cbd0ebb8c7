from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "apcase.reviews"
    verbose_name = "Placement reviews"

    def ready(self) -> None:
        from apcase.core import attention
        from apcase.notifications import reminders as notification_reminders
        from apcase.pupils import registry as pupils_registry

        from . import pupil_page, reminders
        from .attention import items_for

        attention.register(items_for)
        notification_reminders.register(reminders.reviews_due)
        pupils_registry.register_section(pupil_page.SECTION)
