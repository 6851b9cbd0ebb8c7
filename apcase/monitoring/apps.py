import datetime

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "apcase.monitoring"

    def ready(self) -> None:
        from apcase.core import attention, periodic
        from apcase.pupils import registry as pupils_registry

        from . import pupil_page, tasks
        from .attention import (
            absences_to_code,
            check_ins_due,
            in_ap_now,
            items_for,
            registers_not_taken,
        )

        periodic.register(tasks.check_registers, every=datetime.timedelta(minutes=5))
        from apcase.notifications import reminders as notification_reminders

        from . import reminders

        notification_reminders.register(reminders.visits_overdue)
        notification_reminders.register(reminders.registers_missing)
        attention.register(in_ap_now)
        attention.register(registers_not_taken)
        attention.register(check_ins_due)
        attention.register(items_for)
        attention.register(absences_to_code)
        pupils_registry.register_section(pupil_page.SECTION)
        pupils_registry.register_links(pupil_page.provider_links)
