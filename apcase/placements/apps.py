from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "apcase.placements"

    def ready(self) -> None:
        from apcase.core import attention, periodic
        from apcase.pupils import registry as pupils_registry
        from apcase.pupils.selectors import PLACEMENT

        from . import attention as placement_attention
        from . import pupil_page, tasks
        from .selectors import (
            is_named_for,
            placement_records,
            provider_links,
            pupil_placement_scope,
        )

        periodic.register(tasks.check_placements, daily_at=periodic.daily())
        attention.register(placement_attention.items_for)
        attention.register(placement_attention.plans_to_agree)
        attention.register(placement_attention.starting_this_week)
        attention.register(placement_attention.not_started)
        pupils_registry.register_scope(PLACEMENT, pupil_placement_scope, rank=2)
        pupils_registry.register_section(pupil_page.SECTION)
        pupils_registry.register_records("placement", placement_records)
        pupils_registry.register_named_for(is_named_for)
        pupils_registry.register_links(provider_links)
