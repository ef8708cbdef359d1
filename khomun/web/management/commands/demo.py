from typing import Any

from django.core.management.base import BaseCommand

from khomun.accounts.choices import Role
from khomun.demo import logins_file, setup_demo


class Command(BaseCommand):
    help = "เตรียมข้อมูลสาธิต (ผังพื้นที่ บัญชีตัวอย่างทุกบทบาท) และแสดงชื่อผู้ใช้กับรหัสผ่าน"

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = setup_demo()
        self.stdout.write("\nบัญชีสาธิต / demo log-ins (http://127.0.0.1:8000):")
        for account, password, secret in accounts:
            role = Role(account.role).value
            line = f"  {account.username:<20} {password:<16} {role} @ {account.orgunit}"
            if secret:
                line += f"  TOTP: {secret}"
            self.stdout.write(line)
        self.stdout.write(
            "บัญชีผู้ดูแลต้องยืนยันสองขั้นตอน: เพิ่มรหัส TOTP ข้างต้นในแอปยืนยันตัวตน "
            "(หรือ `oathtool --totp -b SECRET`)\n"
            f"Passwords are random and kept in {logins_file()}\n"
        )
