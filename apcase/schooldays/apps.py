from django.apps import AppConfig


class SchooldaysConfig(AppConfig):
    name = "apcase.schooldays"
