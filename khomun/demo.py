"""The demo installation of `make demo`: the real org tree and one account per role.

Passwords are random, made once and kept in var/demo-logins.json (readable only by
the owner), so a second `make demo` prints the same log-ins and keeps all data.
Admin roles need two-factor log-in: their TOTP secrets are printed for an
authenticator app.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from khomun.accounts import policy
from khomun.accounts.choices import Role
from khomun.accounts.models import User
from khomun.accounts.services import create_account, random_password
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import load_orgunits


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    orgunit: str
    first_name: str
    last_name: str
    position: str


DEMO_ACCOUNTS = [
    DemoAccount(
        "dept.admin", Role.DEPARTMENT_ADMIN, "TH", "สมชาย", "ใจดี", "นักวิชาการคอมพิวเตอร์ชำนาญการ"
    ),
    DemoAccount(
        "bureau.capital",
        Role.BUREAU_OWNER,
        "TH",
        "วิภา",
        "ทองดี",
        "ผู้อำนวยการสำนักพัฒนาทุนและองค์กรการเงินชุมชน",
    ),
    DemoAccount("executive", Role.EXECUTIVE, "TH", "ประเสริฐ", "มั่นคง", "รองอธิบดีกรมการพัฒนาชุมชน"),
    DemoAccount("lampang.admin", Role.PROVINCE_ADMIN, "52", "ศศิธร", "อินทกุล", "พัฒนาการจังหวัดลำปาง"),
    DemoAccount(
        "lampang.recorder", Role.PROVINCE_RECORDER, "52", "กมล", "แสงทอง", "นักวิชาการพัฒนาชุมชนปฏิบัติการ"
    ),
    DemoAccount(
        "muang.lampang", Role.DISTRICT_RECORDER, "5201", "มาลี", "ศรีสุข", "นักวิชาการพัฒนาชุมชนชำนาญการ"
    ),
    DemoAccount(
        "muang.lampang.head", Role.DISTRICT_HEAD, "5201", "อนันต์", "บุญมา", "พัฒนาการอำเภอเมืองลำปาง"
    ),
    DemoAccount(
        "chaiyaphum.admin", Role.PROVINCE_ADMIN, "36", "อัจฉรา", "เคียงวิมลรัตน์", "พัฒนาการจังหวัดชัยภูมิ"
    ),
    DemoAccount(
        "muang.chaiyaphum", Role.DISTRICT_RECORDER, "3601", "สุดา", "พึ่งบุญ", "นักวิชาการพัฒนาชุมชนปฏิบัติการ"
    ),
]


def logins_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def _saved_passwords() -> dict[str, str]:
    path = logins_file()
    return json.loads(path.read_text()) if path.exists() else {}


def _save_passwords(passwords: dict[str, str]) -> None:
    path = logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(passwords, indent=1))
    os.chmod(path, 0o600)


def _ensure_totp(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    return base64.b32encode(device.bin_key).decode()


def setup_demo() -> list[tuple[DemoAccount, str, str]]:
    """Load the tree and make the demo accounts; returns (account, password, totp secret)."""
    if not OrgUnit.objects.filter(level="district").exists():
        load_orgunits()
    passwords = _saved_passwords()
    result = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None or account.username not in passwords:
            password = random_password()
            if user is None:
                user = create_account(
                    None,
                    username=account.username,
                    role=account.role,
                    orgunit_code=account.orgunit,
                    first_name=account.first_name,
                    last_name=account.last_name,
                    position=account.position,
                    password=password,
                    must_change=False,
                ).user
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            passwords[account.username] = password
        secret = _ensure_totp(user) if policy.requires_two_factor(user) else ""
        result.append((account, passwords[account.username], secret))
    _save_passwords(passwords)
    return result
