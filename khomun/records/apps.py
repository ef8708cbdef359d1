from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "khomun.records"
    verbose_name = "ข้อมูลที่บันทึก"
