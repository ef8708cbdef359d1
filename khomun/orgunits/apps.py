from django.apps import AppConfig


class OrgunitsConfig(AppConfig):
    name = "khomun.orgunits"
    verbose_name = "หน่วยงานและพื้นที่"
