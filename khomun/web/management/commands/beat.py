from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "เริ่มตัวตั้งเวลางานประจำ (Celery beat) เช่น การเตือนรายวัน ต้องตั้ง CELERY_BROKER_URL"

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from khomun.celery import app

        if not settings.CELERY_BROKER_URL:
            raise CommandError("ยังไม่ได้ตั้ง CELERY_BROKER_URL (เช่น redis://127.0.0.1:6379/1)")
        app.start(["beat", "--loglevel=info"])
