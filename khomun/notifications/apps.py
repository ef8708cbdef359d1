from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "khomun.notifications"
    verbose_name = "การแจ้งเตือน"
