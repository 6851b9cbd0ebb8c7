from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apcase.api"
    label = "api"
    verbose_name = "REST API"
