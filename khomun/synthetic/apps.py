from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "khomun.synthetic"
    verbose_name = "ข้อมูลจำลองระดับประเทศ"
