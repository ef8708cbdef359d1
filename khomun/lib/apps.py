from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "khomun.lib"
    label = "lib"
    verbose_name = "ส่วนกลางของระบบ"

    def ready(self) -> None:
        from khomun.lib import refcache

        refcache.connect_request_signals()
