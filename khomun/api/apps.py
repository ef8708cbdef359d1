from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "khomun.api"
    verbose_name = "API"
