from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "khomun.monitoring"
    verbose_name = "การติดตามผลการบันทึกข้อมูล"

    def ready(self) -> None:
        from khomun.monitoring import summary

        summary.connect()  # stored completeness figures follow record and subject saves
