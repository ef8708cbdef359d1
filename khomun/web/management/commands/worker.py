from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "เริ่มตัวประมวลผลงานเบื้องหลัง (Celery worker) ต้องตั้ง CELERY_BROKER_URL"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--loglevel", default="info")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from khomun.celery import app

        if not settings.CELERY_BROKER_URL:
            raise CommandError("ยังไม่ได้ตั้ง CELERY_BROKER_URL (เช่น redis://127.0.0.1:6379/1)")
        app.worker_main(
            [
                "worker",
                f"--concurrency={options['concurrency']}",
                f"--loglevel={options['loglevel']}",
            ]
        )
