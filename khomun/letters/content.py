"""What a letter says, ready to lay out: the one shape that composing fills and
that the PDF and DOCX renderers read.

Every text here is final: numbers and dates already in Thai digits, names
already chosen. The parts and their order follow the Regulation of the Prime
Minister's Office on Correspondence (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ),
as in the seed letters: number, office and address, date, subject, addressee,
reference, enclosures, body, closing, signer, contact line; an internal memo
(บันทึกข้อความ) puts the office (ส่วนราชการ), number and date in its heading and
has no address block or closing salutation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models


class LetterKind(models.TextChoices):
    EXTERNAL = "external", "หนังสือภายนอก"
    MEMO = "memo", "บันทึกข้อความ"


@dataclass(frozen=True)
class TableRow:
    cells: list[str]
    # A heading row across the whole table, e.g. "ฐานข้อมูลสำนักเสริมสร้างความเข้มแข็งชุมชน".
    is_group: bool = False


@dataclass(frozen=True)
class Enclosure:
    """One enclosure (สิ่งที่ส่งมาด้วย): its line in the letter and, when Khomun
    makes it from live data, its table printed on pages after the letter."""

    title: str  # as listed: "กำหนดการจัดเก็บและบันทึกข้อมูลศูนย์ข้อมูลกลางฯ ประจำปี พ.ศ. ๒๕๖๒"
    amount: str = "จำนวน ๑ ชุด"
    heading: list[str] = field(default_factory=list)  # lines above the table
    columns: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)

    @property
    def has_table(self) -> bool:
        return bool(self.columns)


@dataclass(frozen=True)
class LetterContent:
    kind: str  # LetterKind
    number: str  # "ลป ๐๐๑๙.๔/ว ๒๒๖๖๗" (printed after "ที่")
    date: str  # "๓๑ สิงหาคม ๒๕๖๑"
    subject: str
    addressee: str  # "นายอำเภอทุกอำเภอ", or the names of the districts' chiefs
    body: list[str]  # paragraphs; the last is the purpose, "จึงเรียนมาเพื่อพิจารณาดำเนินการ"
    signer_name: str  # without brackets: "นางสาวศศิธร อินทกุล"
    signer_position: list[str]  # lines: "พัฒนาการจังหวัด ปฏิบัติราชการแทน", "ผู้ว่าราชการจังหวัดลำปาง"
    contact: list[str]  # lines: office, working group, "โทร/โทรสาร ๐ ๕๔๒๖ ๕๐๕๕"
    # External letter: the sender's office and address block, top right.
    office_name: str = ""  # "ศาลากลางจังหวัดลำปาง"
    office_address: list[str] = field(default_factory=list)
    # Internal memo: the heading's ส่วนราชการ line.
    department_line: str = ""
    reference: str = ""  # อ้างถึง; empty when there is none
    enclosures: list[Enclosure] = field(default_factory=list)
    closing: str = "ขอแสดงความนับถือ"  # external letters only
    crest_png: bytes | None = None  # the office's uploaded crest (ครุฑ), if any

    @property
    def signature_line(self) -> str:
        """ "(name)" under the signature; with no signer set yet, room to write one in."""
        return f"({self.signer_name or chr(0xA0) * 40})"
