from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "khomun.monitoring"
    verbose_name = "การติดตามผลการบันทึกข้อมูล"
