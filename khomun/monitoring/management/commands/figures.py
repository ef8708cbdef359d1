"""`khomun figures check [--fiscal-year 2569] [--repair]`

Compares the stored completeness figures (per period and district) with a live count
of the same records and subjects, and lists every row that differs. With --repair the
differing rows are marked stale, to be recounted on the next read. The exit status is
1 when something differed (so a monitoring job can alert), 0 otherwise.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khomun.lib.cli import fiscal_year_argument
from khomun.monitoring import summary

ACTIONS = ("check",)


class Command(BaseCommand):
    help = (
        "ตรวจตัวเลขความครบถ้วนที่เก็บไว้ (รายงวดรายอำเภอ) เทียบกับการนับจากข้อมูลจริง "
        "และซ่อมแถวที่ไม่ตรงเมื่อใส่ --repair"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", default="", help="check")
        parser.add_argument("--fiscal-year", default="", help="ปีงบประมาณ พ.ศ. เช่น 2569 (ทุกปี)")
        parser.add_argument("--repair", action="store_true", help="ทำเครื่องหมายให้นับใหม่")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] not in ACTIONS:
            raise CommandError(f"คำสั่ง: ต้องเป็น check (ได้ {options['action']!r})")
        year = (
            fiscal_year_argument(options["fiscal_year"], 2569) if options["fiscal_year"] else None
        )
        periods = summary.built_periods(year)
        wrong = summary.check(periods, repair=options["repair"])
        for period_id, area, differs in wrong:
            self.stdout.write(f"งวด {period_id} {area}: {differs}")
        done = "ซ่อมแล้ว " if options["repair"] and wrong else ""
        self.stdout.write(f"ตรวจ {len(periods)} งวด: ไม่ตรง {len(wrong)} แถว {done}".rstrip())
        if wrong:
            raise SystemExit(1)
