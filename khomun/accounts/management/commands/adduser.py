import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khomun.accounts.choices import Role
from khomun.accounts.services import AccountError, create_account


class Command(BaseCommand):
    help = "สร้างบัญชีผู้ใช้พร้อมบทบาท (รหัสผ่านจากตัวแปร KHOMUN_PASSWORD หรือพิมพ์เมื่อถูกถาม)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--orgunit", required=True, help="รหัสหน่วยงาน เช่น TH, 52, 5201")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--position", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("KHOMUN_PASSWORD")
        if password is None:
            password = getpass.getpass("รหัสผ่าน: ")
            if password != getpass.getpass("รหัสผ่านอีกครั้ง: "):
                raise CommandError("รหัสผ่านสองครั้งไม่ตรงกัน")
        try:
            new = create_account(
                None,
                username=options["username"],
                role=options["role"],
                orgunit_code=options["orgunit"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                position=options["position"],
                password=password,
            )
        except AccountError as exc:
            field = f" [{exc.field}]" if exc.field else ""
            raise CommandError(f"{exc.message}{field}") from None
        self.stdout.write(
            f"สร้างบัญชี {new.user.username} ({options['role']} @ {options['orgunit']}) แล้ว"
        )
