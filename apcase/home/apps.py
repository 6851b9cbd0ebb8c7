from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The top of the layering (docs/adr/0006-app-layering.md): the pages and commands
    that reach across every app. Nothing imports it."""

    name = "apcase.home"
