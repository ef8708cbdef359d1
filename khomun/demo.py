"""The demo installation of `make demo`: the real org tree and one account per role.

Passwords are random, made once and kept in var/demo-logins.json (readable only by
the owner), so a second `make demo` prints the same log-ins and keeps all data.
Admin roles need two-factor log-in: their TOTP secrets are printed for an
authenticator app.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from khomun.accounts import policy
from khomun.accounts.choices import Role
from khomun.accounts.models import User
from khomun.accounts.services import create_account, random_password
from khomun.catalog.models import Dataset
from khomun.catalog.services import load_catalog
from khomun.lib.thaidate import fiscal_year
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village, load_orgunits
from khomun.records.models import Subject
from khomun.records.progress import definition_of
from khomun.records.services import save_record, subject_from_values, submit_record


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
    """Load the tree, the catalog and the demo accounts and data; returns the log-ins
    as (account, password, totp secret)."""
    if not OrgUnit.objects.filter(level="district").exists():
        load_orgunits()
    current_year = fiscal_year(timezone.localdate())
    load_catalog(2561)
    load_catalog(2562)
    # Carry the FY2562 catalog forward so that something is due today.
    load_catalog(current_year, from_year=2562)
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
    setup_demo_records(current_year)
    _setup_demo_messaging()
    return result


def _setup_demo_messaging() -> None:
    """Lampang's letter code as in the seeds, and today's digest and reminders, so the
    bell has something to show (idempotent: each has a key per day)."""
    from khomun.letters.models import LetterSettings
    from khomun.orgunits.models import Office
    from khomun.schedule.tasks import send_daily_digests, send_daily_reminders

    office = Office.objects.filter(orgunit__code="52").first()
    if office is not None:
        LetterSettings.objects.get_or_create(office=office, defaults={"code": "ลป ๐๐๑๙.๔"})
    send_daily_digests()
    send_daily_reminders()


DEMO_PROVINCES = ("52", "36")
GROUP_WORDS = ["บ้านใหม่", "ร่วมใจ", "พัฒนา", "สามัคคี", "บ้านทุ่ง", "ศรีสุข", "ห้วยทราย", "ดอนแก้ว"]
PRODUCTS = [
    ("ข้าวแต๋นน้ำแตงโม", "food"),
    ("ชาใบหม่อน", "beverage"),
    ("ผ้าทอมือลายน้ำไหล", "textile"),
    ("ชามตราไก่", "household"),
    ("ยาหม่องสมุนไพร", "herbal"),
    ("น้ำพริกตาแดง", "food"),
]


def setup_demo_records(year: int) -> None:
    """Savings groups and OTOP producers in Lampang and Chaiyaphum with records in the
    current year's periods: some districts done, some late, some not started.
    Made once, from a fixed seed, so every demo looks the same."""
    if Subject.objects.exists():
        return
    actor = User.objects.get(username="dept.admin")
    rng = random.Random(2562)
    savings = Dataset.objects.get(fiscal_year=year, key="savings_groups")
    otop = Dataset.objects.get(fiscal_year=year, key="otop_sales")
    today = timezone.localdate()
    with transaction.atomic():
        for province in DEMO_PROVINCES:
            for district in OrgUnit.objects.filter(parent__code=province).order_by("code"):
                diligence = rng.random()  # how far this district has got
                subdistricts = list(district.children.order_by("code")[:4])
                for n in range(4):
                    village = get_or_create_village(
                        rng.choice(subdistricts).code, rng.randint(1, 12)
                    )
                    _demo_savings(
                        actor,
                        savings,
                        district,
                        village,
                        n,
                        rng,
                        diligence,
                        today,
                    )
                for n in range(3):
                    village = get_or_create_village(
                        rng.choice(subdistricts).code, rng.randint(1, 12)
                    )
                    _demo_otop(
                        actor,
                        otop,
                        district,
                        village,
                        n,
                        rng,
                        diligence,
                        today,
                    )


def _demo_savings(
    actor: User,
    dataset: Dataset,
    district: OrgUnit,
    village: OrgUnit,
    n: int,
    rng: random.Random,
    diligence: float,
    today: dt.date,
) -> None:
    male = rng.randint(10, 80)
    female = rng.randint(20, 120)
    balance = rng.randint(50, 900) * 1000
    values = {
        "group_name": f"กลุ่มออมทรัพย์เพื่อการผลิต{village.name_th}{GROUP_WORDS[n]}",
        "village": village.code,
        "members_male": male,
        "members_female": female,
        "members": male + female,
        "committee_size": rng.randint(5, 15),
        "savings_balance": f"{balance}.00",
        "welfare_fund": f"{rng.randint(0, 50) * 1000}.00",
        "loans_outstanding": f"{int(balance * rng.uniform(0.3, 0.9))}.50",
        "health_level": rng.choice(["1", "2", "3"]),
    }
    first = dataset.periods.get(number=1)
    if rng.random() < diligence:
        record = save_record(actor, first, values, orgunit=district, today=today)
        if rng.random() < diligence:
            submit_record(actor, record, today=today)


def _demo_otop(
    actor: User,
    dataset: Dataset,
    district: OrgUnit,
    village: OrgUnit,
    n: int,
    rng: random.Random,
    diligence: float,
    today: dt.date,
) -> None:
    product, category = rng.choice(PRODUCTS)
    values = {
        "producer_name": f"วิสาหกิจชุมชน{product}{village.name_th}",
        "producer_type": rng.choice(["community_enterprise", "single_producer", "sme"]),
        "village": village.code,
        "product_name": product,
        "product_category": category,
        "sales_amount": f"{rng.randint(5, 300) * 1000}.00",
    }
    subject = None
    for period in dataset.periods.filter(due__lte=today + dt.timedelta(days=25)).order_by("number"):
        if period.is_locked(today) or rng.random() > diligence:
            continue
        record = save_record(actor, period, values, subject=subject, orgunit=district, today=today)
        subject = record.subject
        if period.due <= today or rng.random() < diligence:
            submit_record(actor, record, today=today)
    if subject is None:
        # Registered but never reported: what makes a district late on the monitoring
        # screen, in the reminders and in the province's letter.
        first = dataset.periods.get(number=1)
        subject_from_values(actor, definition_of(first), district, values, confirm_duplicate=True)
