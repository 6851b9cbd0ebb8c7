from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "apcase.placements"

    def ready(self) -> None:
        from apcase.core import attention

        from . import attention as placement_attention

        attention.register(placement_attention.items_for)
