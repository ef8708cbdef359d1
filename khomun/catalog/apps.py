from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "khomun.catalog"
    verbose_name = "ทะเบียนฐานข้อมูล"

    def ready(self) -> None:
        from khomun.catalog.models import Dataset, DatasetVersion
        from khomun.lib import refcache

        refcache.watch(Dataset, DatasetVersion)
