from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "apcase.reviews"
    verbose_name = "Placement reviews"

    def ready(self) -> None:
        from apcase.core import attention
        from apcase.pupils import registry as pupils_registry

        from . import pupil_page
        from .attention import items_for

        attention.register(items_for)
        pupils_registry.register_section(pupil_page.SECTION)
