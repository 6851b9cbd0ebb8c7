from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "apcase.pupils"
