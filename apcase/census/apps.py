from django.apps import AppConfig


class CensusConfig(AppConfig):
    name = "apcase.census"
    verbose_name = "School census: alternative provision placements"
