from django.apps import AppConfig


class SchooldaysConfig(AppConfig):
    name = "apcase.schooldays"

    def ready(self) -> None:
        from apcase.core import attention

        from .attention import term_date_items

        attention.register(term_date_items)
