from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apcase.accounts"

    def ready(self) -> None:
        from . import signals  # noqa: F401
