from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khomun.accounts.models import User
from khomun.accounts.services import issue_token


class Command(BaseCommand):
    help = "ออกโทเค็น API ใหม่ให้ผู้ใช้ (แสดงครั้งเดียว ใช้ในส่วนหัว Authorization: Bearer)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"ไม่พบผู้ใช้ “{options['username']}” ที่ใช้งานอยู่")
        self.stdout.write(issue_token(user))
