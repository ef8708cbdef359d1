from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "khomun.catalog"
    verbose_name = "ทะเบียนฐานข้อมูล"
