from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "apcase.referrals"

    def ready(self) -> None:
        from apcase.core import attention

        from .attention import referral_items

        attention.register(referral_items)
