from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "apcase.oversight"
    verbose_name = "Compliance board"
