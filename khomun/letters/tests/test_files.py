"""The real renderers on a composed letter: the printed parts come in the seed's order."""

import datetime as dt
import io
import subprocess
import zipfile

from khomun.letters.choices import LetterType
from khomun.letters.content import LetterKind
from khomun.letters.services import generate_letter
from khomun.letters.tests.conftest import DECEMBER


def test_a_reminder_prints_every_part_in_order(
    lampang, lampang_settings, lampang_admin, late_districts
):
    letter = generate_letter(
        lampang_admin, lampang, LetterType.REMINDER, LetterKind.EXTERNAL, 2562, DECEMBER,
        reference="หนังสือจังหวัดลำปาง ที่ ลป ๐๐๑๙.๔/ว ๑ ลงวันที่ ๑ ตุลาคม ๒๕๖๑",
        date=dt.date(2018, 12, 10),
    )  # fmt: skip
    pdf = letter.pdf.open("rb").read()
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    parts = [
        "ลป ๐๐๑๙.๔/ว ๑",
        "ศาลากลางจังหวัดลำปาง",
        "๑๐ ธันวาคม ๒๕๖๑",
        "เรื่อง",
        "เรียน",
        "อ้างถึง",
        "มาด้วย",  # pdftotext reorders the marks of "สิ่งที่ส่ง"
        "จึงเรียนมาเพื่อพิจารณาดำเนินการ",
        "ขอแสดงความนับถือ",
        "นางสาวศศิธร อินทกุล",
        "ผู้ว่าราชการจังหวัดลำปาง",
        "โทร/โทรสาร ๐ ๕๔๒๖ ๕๐๕๕",
        "รายงานผลการบันทึกข้อมูล",
    ]
    positions = [flat.find(part) for part in parts]
    assert -1 not in positions, [p for p, at in zip(parts, positions, strict=True) if at < 0]
    assert positions == sorted(positions)
    with zipfile.ZipFile(io.BytesIO(letter.docx.open("rb").read())) as docx:
        document = docx.read("word/document.xml").decode()
    assert "นายอำเภอเมืองลำปาง" in document and "ลป ๐๐๑๙.๔/ว ๑" in document
