from django.apps import AppConfig


class OrgunitsConfig(AppConfig):
    name = "khomun.orgunits"
    verbose_name = "หน่วยงานและพื้นที่"

    def ready(self) -> None:
        from khomun.lib import refcache
        from khomun.orgunits.models import OrgUnit

        refcache.watch(OrgUnit)
