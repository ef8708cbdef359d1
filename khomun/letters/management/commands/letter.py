"""`khomun letter schedule --province 52 --fiscal-year 2562 --format pdf --out F`
`khomun letter reminder --province 52 --fiscal-year 2562 --month 9 --format docx --out F`

The letter is registered like one made on the web (its number is used, the maker is
empty, the source is the command line). Every argument is read as text and checked
here, so a bad one is refused with a Thai message naming it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khomun.letters.choices import LetterType, Source
from khomun.letters.content import LetterKind
from khomun.letters.services import LetterError, generate_letter
from khomun.lib.cli import fiscal_year_argument, number_argument, output_path, province_argument

FORMATS = ("pdf", "docx")
NO_DISTRICTS = "districts"


class Command(BaseCommand):
    help = (
        "ออกหนังสือราชการถึงอำเภอ: schedule (แจ้งกำหนดการบันทึกข้อมูลของปีงบประมาณ) หรือ "
        "reminder (แจ้งเตือนอำเภอที่ยังบันทึกข้อมูลงวดที่ครบกำหนดในเดือนนั้นไม่ครบ) "
        "เป็นไฟล์ PDF หรือ DOCX และลงทะเบียนหนังสือส่ง"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("letter_type", nargs="?", default="", help="schedule หรือ reminder")
        parser.add_argument("--province", default="", help="รหัสจังหวัด เช่น 52")
        parser.add_argument("--fiscal-year", default="", help="ปีงบประมาณ พ.ศ. เช่น 2562")
        parser.add_argument("--month", default="", help="reminder: เดือนของกำหนดส่ง 1-12")
        parser.add_argument("--format", default="", help="pdf หรือ docx")
        parser.add_argument("--out", default="", help="ไฟล์ที่จะเขียน")
        parser.add_argument("--kind", default="external", help="external (หนังสือภายนอก) หรือ memo")
        parser.add_argument("--reference", default="", help="อ้างถึง (ถ้ามี)")

    def handle(self, *args: Any, **options: Any) -> None:
        letter_type = options["letter_type"]
        if letter_type not in LetterType.values:
            raise CommandError(f"ประเภทหนังสือ: ต้องเป็น schedule หรือ reminder (ได้ {letter_type!r})")
        province = province_argument(options["province"])
        year = fiscal_year_argument(options["fiscal_year"], 2562)
        month = None
        if letter_type == LetterType.REMINDER:
            month = number_argument(options["month"], "--month", "เลขเดือน 1 ถึง 12 เช่น 9")
            if not 1 <= month <= 12:
                raise CommandError(f"--month: ต้องเป็นเลขเดือน 1 ถึง 12 (ได้ {month})")
        file_format = options["format"]
        if file_format not in FORMATS:
            raise CommandError(f"--format: ต้องเป็น pdf หรือ docx (ได้ {file_format!r})")
        kind = options["kind"]
        if kind not in LetterKind.values:
            raise CommandError(f"--kind: ต้องเป็น external หรือ memo (ได้ {kind!r})")
        out = output_path(options["out"])
        arguments = (province, letter_type, kind, year, month)
        try:
            letter = generate_letter(
                None, *arguments, reference=options["reference"], source=Source.CLI
            )
        except LetterError as exc:
            if exc.field == NO_DISTRICTS and "ไม่มีอำเภอ" in exc.message:
                self.stdout.write(f"{exc.message} จึงไม่ได้ออกหนังสือ")
                return
            raise CommandError(f"--{exc.field.replace('_', '-')}: {exc.message}") from None
        stored = letter.pdf if file_format == "pdf" else letter.docx
        try:
            with stored.open("rb") as handle:
                out.write_bytes(handle.read())
        except OSError as exc:
            raise CommandError(
                f"--out: เขียนไฟล์ไม่ได้ ({exc.strerror}); หนังสือที่ {letter.number_text} "
                "ลงทะเบียนแล้ว ดาวน์โหลดได้จากทะเบียนหนังสือ"
            ) from None
        self.stdout.write(f"ออกหนังสือที่ {letter.number_text} แล้ว เขียน {out}")
