"""`khomun report recording --province 52 --fiscal-year 2561 --month 9 --format pdf --out F`

Every argument is read as text and checked here, so that a bad one is refused with
a Thai message that names it (argparse's own errors would be in English).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khomun.monitoring import report, report_pdf, report_xlsx
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit

REPORTS = ("recording",)
FORMATS = ("xlsx", "pdf")


class Command(BaseCommand):
    help = (
        "ทำรายงานผลการบันทึกข้อมูล (แบบรายงานผลการบันทึกข้อมูล) ของจังหวัด: ทุกงวดของปีงบประมาณ"
        "ที่มีกำหนดส่งของกรมในเดือนที่ระบุ เป็นไฟล์ .xlsx หรือ PDF"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", default="", help="ชื่อรายงาน: recording")
        parser.add_argument("--province", default="", help="รหัสจังหวัด เช่น 52")
        parser.add_argument("--fiscal-year", default="", help="ปีงบประมาณ พ.ศ. เช่น 2561")
        parser.add_argument("--month", default="", help="เดือนของกำหนดส่ง 1-12 เช่น 9")
        parser.add_argument("--format", default="", help="xlsx หรือ pdf")
        parser.add_argument("--out", default="", help="ไฟล์ที่จะเขียน")
        parser.add_argument(
            "--include-monthly",
            action="store_true",
            help="รวมฐานข้อมูลที่ส่งทุกเดือน (เช่น ยอดจำหน่าย OTOP) ด้วย",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["name"] not in REPORTS:
            raise CommandError(f"ชื่อรายงาน: ต้องเป็น recording (ได้ {options['name']!r})")
        province = _province(options["province"])
        year = _number(options["fiscal_year"], "--fiscal-year", "ปีงบประมาณ พ.ศ. เช่น 2561")
        if not 2500 <= year <= 2700:
            raise CommandError(f"--fiscal-year: ปีงบประมาณต้องเป็น พ.ศ. เช่น 2561 (ได้ {year})")
        month = _number(options["month"], "--month", "เลขเดือน 1 ถึง 12 เช่น 9")
        if not 1 <= month <= 12:
            raise CommandError(f"--month: ต้องเป็นเลขเดือน 1 ถึง 12 (ได้ {month})")
        kind = options["format"]
        if kind not in FORMATS:
            raise CommandError(f"--format: ต้องเป็น xlsx หรือ pdf (ได้ {kind!r})")
        out = _out(options["out"])
        try:
            built = report.build(province, year, month, include_monthly=options["include_monthly"])
        except report.ReportError as exc:
            # The message already starts with the argument's Thai label.
            raise CommandError(f"--{exc.argument.replace('_', '-')}: {exc.message}") from None
        data = report_xlsx.workbook(built) if kind == "xlsx" else report_pdf.render(built)
        out.write_bytes(data)
        self.stdout.write(f"เขียน {out} แล้ว ({len(built.rows)} ฐานข้อมูล)")


def _province(code: str) -> OrgUnit:
    if not code:
        raise CommandError("--province: กรุณาระบุรหัสจังหวัด เช่น 52")
    unit = OrgUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    if unit is None:
        raise CommandError(f"--province: ไม่พบจังหวัดรหัส {code!r}")
    return unit


def _number(text: str, name: str, hint: str) -> int:
    if not text.strip().isdigit():
        raise CommandError(f"{name}: ต้องเป็น{hint} (ได้ {text!r})")
    return int(text)


def _out(path: str) -> Path:
    if not path:
        raise CommandError("--out: กรุณาระบุไฟล์ที่จะเขียน")
    out = Path(path)
    if not out.parent.is_dir():
        raise CommandError(f"--out: ไม่พบโฟลเดอร์ {out.parent}")
    return out
