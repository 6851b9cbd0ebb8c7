from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apcase.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from apcase.access import policies

        from .authentication import memberships_of_key_account

        # A key's account holds no membership: its role is the key's, while it is usable.
        policies.register_membership_source(memberships_of_key_account)
