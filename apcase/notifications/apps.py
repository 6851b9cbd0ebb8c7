from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apcase.notifications"

    def ready(self) -> None:
        import datetime

        from apcase.core import periodic

        from . import tasks

        periodic.register(tasks.send_outbox, every=datetime.timedelta(minutes=1))
        periodic.register(tasks.send_reminders, daily_at=periodic.daily())
        periodic.register(tasks.send_digests, daily_at=periodic.daily("APCASE_DIGEST_AT"))
