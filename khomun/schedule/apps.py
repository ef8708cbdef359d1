from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "khomun.schedule"
    verbose_name = "กำหนดการบันทึกข้อมูล"

    def ready(self) -> None:
        from khomun.lib import refcache
        from khomun.schedule.models import Period, ProvinceDeadline

        refcache.watch(Period, ProvinceDeadline)
