from django.apps import AppConfig


class ExcelConfig(AppConfig):
    name = "khomun.excel"
    verbose_name = "นำเข้าและส่งออก Excel"
