from __future__ import annotations

import datetime as dt
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khomun.catalog.services import CatalogError
from khomun.synthetic.generator import GenerateError, Options, generate, tidy_up


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Command(BaseCommand):
    help = (
        "สร้างข้อมูลจำลองที่สมจริง (รายการและข้อมูลทุกฐานข้อมูลของทะเบียน) ทั้งประเทศหรือจังหวัดเดียว "
        "ทำซ้ำได้ผลเดิมด้วย --seed เดียวกัน"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["national", "province"], default="province")
        parser.add_argument(
            "--province",
            default="52",
            help="รหัสจังหวัด 2 หลัก เมื่อ --scale province (ค่าเริ่มต้น 52 ลำปาง)",
        )
        parser.add_argument("--years", type=int, default=1, help="จำนวนปีงบประมาณย้อนหลัง")
        parser.add_argument("--seed", type=int, default=1, help="เลขตั้งต้น: seed เดียวกันได้ข้อมูลเดียวกัน")
        parser.add_argument(
            "--fiscal-year-end",
            type=int,
            default=None,
            help="ปีงบประมาณสุดท้าย (พ.ศ.) ค่าเริ่มต้นคือปีงบประมาณปัจจุบัน",
        )
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="วันที่อ้างอิง YYYY-MM-DD (ค่าเริ่มต้นวันนี้): ไม่มีข้อมูลหลังวันนี้",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--append", action="store_true", help="เพิ่มอีกชุดบนข้อมูลจำลองเดิม")
        mode.add_argument("--reset", action="store_true", help="ลบข้อมูลจำลองเดิมก่อนสร้างใหม่")
        parser.add_argument(
            "--bulk",
            choices=["auto", "yes", "no"],
            default="auto",
            help="PostgreSQL: ถอดดัชนีระหว่างโหลดแล้วสร้างใหม่ (auto: เมื่อเกินหนึ่งล้านระเบียน)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        province = options["province"] if options["scale"] == "province" else None
        if province is not None and not (len(province) == 2 and province.isdigit()):
            raise CommandError(f"--province: รหัสจังหวัดต้องเป็นตัวเลข 2 หลัก (ได้ {province!r})")
        end = options["fiscal_year_end"]
        if end is not None and not 2500 <= end <= 2700:
            raise CommandError(f"--fiscal-year-end: ปีงบประมาณต้องเป็น พ.ศ. เช่น 2562 (ได้ {end})")
        bulk = {"auto": None, "yes": True, "no": False}[options["bulk"]]
        try:
            summary = generate(
                Options(
                    seed=options["seed"],
                    years=options["years"],
                    fiscal_year_end=end,
                    province=province,
                    today=options["today"],
                    append=options["append"],
                    reset=options["reset"],
                    bulk=bulk,
                    # The raw stream: the wrapper would end every write with a newline.
                    stream=cast(TextIO, self.stderr._out),
                )
            )
        except (GenerateError, CatalogError) as exc:
            raise CommandError(str(exc)) from None
        tidy_up()
        self.stdout.write(
            f"รายการ {summary.subjects:,} ข้อมูล {summary.records:,} หมู่บ้านใหม่ {summary.villages:,} "
            f"ใน {summary.seconds:,.1f} วินาที"
        )
        for (key, year), count in sorted(
            summary.by_dataset.items(), key=lambda i: (i[0][1], i[0][0])
        ):
            expected = summary.expected.get((key, year), 0)
            self.stdout.write(f"  {year} {key}: {count:,} จากที่คาด {expected:,}")
