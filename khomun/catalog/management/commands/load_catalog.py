from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khomun.catalog.services import CatalogError, load_catalog


class Command(BaseCommand):
    help = (
        "โหลดทะเบียนฐานข้อมูลของปีงบประมาณ (พ.ศ.) จากไฟล์ในระบบ หรือยกยอดจากปีอื่นด้วย --from "
        "(ทำซ้ำได้โดยไม่ซ้ำซ้อน)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fiscal_year", type=int, help="ปีงบประมาณ พ.ศ. เช่น 2562")
        parser.add_argument(
            "--from",
            dest="from_year",
            type=int,
            default=None,
            help="ยกยอดนิยามจากปีงบประมาณนี้ เช่น --from 2562",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["fiscal_year"]
        source: int | None = options["from_year"]
        for value, name in ((year, "fiscal_year"), (source, "--from")):
            if value is not None and not 2500 <= value <= 2700:
                raise CommandError(f"{name}: ปีงบประมาณต้องเป็น พ.ศ. เช่น 2562 (ได้ {value})")
        try:
            result = load_catalog(year, from_year=source)
        except CatalogError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"ปีงบประมาณ {year}: ใหม่ {result.created}, ปรับปรุง {result.updated}, "
            f"ไม่เปลี่ยนแปลง {result.unchanged}"
        )
