from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "khomun.web"
    verbose_name = "หน้าจอหลัก"
