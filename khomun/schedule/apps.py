from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "khomun.schedule"
    verbose_name = "กำหนดการบันทึกข้อมูล"
