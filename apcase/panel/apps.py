from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "apcase.panel"
