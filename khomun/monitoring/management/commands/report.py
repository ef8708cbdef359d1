"""`khomun report recording --province 52 --fiscal-year 2561 --month 9 --format pdf --out F`

Every argument is read as text and checked here, so that a bad one is refused with
a Thai message that names it (argparse's own errors would be in English).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khomun.lib.cli import fiscal_year_argument, number_argument, output_path, province_argument
from khomun.monitoring import report, report_pdf, report_xlsx

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
        province = province_argument(options["province"])
        year = fiscal_year_argument(options["fiscal_year"], 2561)
        month = number_argument(options["month"], "--month", "เลขเดือน 1 ถึง 12 เช่น 9")
        if not 1 <= month <= 12:
            raise CommandError(f"--month: ต้องเป็นเลขเดือน 1 ถึง 12 (ได้ {month})")
        kind = options["format"]
        if kind not in FORMATS:
            raise CommandError(f"--format: ต้องเป็น xlsx หรือ pdf (ได้ {kind!r})")
        out = output_path(options["out"])
        try:
            built = report.build(province, year, month, include_monthly=options["include_monthly"])
        except report.ReportError as exc:
            # The message already starts with the argument's Thai label.
            raise CommandError(f"--{exc.argument.replace('_', '-')}: {exc.message}") from None
        data = report_xlsx.workbook(built) if kind == "xlsx" else report_pdf.render(built)
        out.write_bytes(data)
        self.stdout.write(f"เขียน {out} แล้ว ({len(built.rows)} ฐานข้อมูล)")
