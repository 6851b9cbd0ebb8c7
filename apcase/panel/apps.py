from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "apcase.panel"

    def ready(self) -> None:
        from apcase.core import attention
        from apcase.referrals import panels

        from . import letters, pack, selectors
        from .attention import decisions_to_record, letters_not_sent, next_meeting

        panels.register(selectors)
        panels.register_letters(letters.letters_for_referral)
        panels.register_agenda_watch(pack.prepare_after_commit)
        from apcase.core import uploads

        uploads.register_kept_folder(pack.FOLDER)  # the packs delete their own old versions
        from apcase.core import periodic

        from . import tasks

        periodic.register(tasks.prepare_coming_packs, daily_at=periodic.daily())
        periodic.register(tasks.settle_letters_due, daily_at=periodic.daily())
        attention.register(next_meeting)
        attention.register(decisions_to_record)
        attention.register(letters_not_sent)
        from apcase.notifications import reminders as notification_reminders

        from . import reminders

        notification_reminders.register(reminders.ratifications_awaited)
        notification_reminders.register(reminders.papers_published)
