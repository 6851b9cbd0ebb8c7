from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "apcase.referrals"

    def ready(self) -> None:
        from apcase.core import attention
        from apcase.pupils import registry as pupils_registry
        from apcase.pupils.selectors import PANEL

        from .attention import referral_items
        from .selectors import panel_pupil_scope, referral_records

        attention.register(referral_items)
        pupils_registry.register_scope(PANEL, panel_pupil_scope, rank=1)
        pupils_registry.register_records("referral", referral_records)
