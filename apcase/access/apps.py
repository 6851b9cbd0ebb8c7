from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "apcase.access"
