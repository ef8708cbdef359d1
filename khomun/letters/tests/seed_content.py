"""Seed letter 001 (Lampang's reminder of 31 August 2561) as a LetterContent,
typed by hand from /work/shared/seeds/001, for the renderer tests.

`seed_letter()` is the external letter with the first enclosure's schedule
table; `seed_memo()` the same text as an internal memo.
"""

from __future__ import annotations

from dataclasses import replace

from khomun.letters.content import Enclosure, LetterContent, LetterKind, TableRow

SCHEDULE_COLUMNS = ["ที่", "ชื่อฐานข้อมูล", "กำหนดการบันทึกข้อมูล", "อำเภอ", "จังหวัด", "หมายเหตุ"]

SCHEDULE_ROWS = [
    TableRow(["ฐานข้อมูลสำนักเสริมสร้างความเข้มแข็งชุมชน"], is_group=True),
    TableRow(
        [
            "๑",
            "ข้อมูลการดำเนินกิจกรรมวันครบรอบโครงการพัฒนาผู้นำอาสาพัฒนาชุมชน",
            "๑ งวด (กุมภาพันธ์)",
            "/",
            "/",
            "",
        ]
    ),
    TableRow(
        [
            "๒",
            "ข้อมูลผลการดำเนินงานตามระบบมาตรฐานการพัฒนาชุมชน",
            "๒ งวด (มีนาคม และ กันยายน)",
            "/",
            "/",
            "",
        ]
    ),
    TableRow(["๓", "ข้อมูลผู้นำ", "๑ งวด (กันยายน)", "/", "/", ""]),
    TableRow(["๔", "ข้อมูลผลการประเมินผู้นำ อช.", "๑ งวด (กันยายน)", "/", "/", ""]),
    TableRow(["๕", "ข้อมูลกลุ่มองค์กร เครือข่าย และชุมชน", "๑ งวด (กันยายน)", "/", "/", ""]),
    TableRow(["ฐานข้อมูลสำนักพัฒนาทุนและองค์การการเงินชุมชน"], is_group=True),
    TableRow(
        [
            "๖",
            "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต",
            "๔ งวด งวดที่ ๑ : ๒๐ ธันวาคม งวดที่ ๒ : ๒๐ มีนาคม งวดที่ ๓ : ๒๐ มิถุนายน งวดที่ ๔ : ๒๐ กันยายน",
            "/",
            "/",
            "",
        ]
    ),
    TableRow(
        [
            "๗",
            "ข้อมูลโครงการแก้ไขปัญหาความยากจน (กข.คจ)",
            "๒ งวด งวดที่ ๑ : ๒๐ มีนาคม งวดที่ ๒ : ๒๐ กันยายน",
            "/",
            "/",
            "",
        ]
    ),
    TableRow(["๘", "ข้อมูลสถาบันการจัดการเงินทุนชุมชน", "๑ งวด (กันยายน)", "/", "/", ""]),
    TableRow(["๙", "ข้อมูลเครือข่ายกองทุนชุมชน", "๑ งวด (กันยายน)", "/", "/", ""]),
    TableRow(["ฐานข้อมูลสำนักส่งเสริมภูมิปัญญาท้องถิ่นและวิสาหกิจชุมชน"], is_group=True),
    TableRow(["๑๐", "ข้อมูลยอดจำหน่าย OTOP ประจำเดือน", "ทุกวันที่ ๑๐ ของเดือน", "/", "/", ""]),
    TableRow(["ฐานข้อมูลกองแผนงาน"], is_group=True),
    TableRow(["๑๑", "ข้อมูลผลการตรวจสอบสภาพกองทุนแม่ของแผ่นดิน", "๑ งวด (เมษายน)", "/", "/", ""]),
]

BODY = [
    "ตามหนังสือที่อ้างถึง จังหวัดได้แจ้งให้สำนักงานพัฒนาชุมชนอำเภอดำเนินการบันทึกข้อมูล"
    "ศูนย์ข้อมูลกลางเพื่อการบริหารจัดการเก็บและใช้ประโยชน์ ปี พ.ศ. ๒๕๖๑ "
    "ตามงวดรายงานที่กำหนดของฐานข้อมูลที่กรมการพัฒนาชุมชนกำหนด จำนวน ๑๐ ฐานข้อมูล นั้น",
    "ในการนี้ จังหวัดได้ตรวจสอบข้อมูลจากศูนย์ข้อมูลกลางฯ ดังกล่าว ปรากฏว่าอำเภอยังไม่ได้บันทึกข้อมูล "
    "และบันทึกข้อมูลแล้วไม่ครบถ้วนสมบูรณ์ จึงขอให้อำเภอมอบหมายให้สำนักงานพัฒนาชุมชนอำเภอ"
    "ดำเนินการบันทึกข้อมูลศูนย์ข้อมูลกลางเพื่อการบริหารจัดการเก็บและใช้ประโยชน์ ปี พ.ศ. ๒๕๖๑ "
    "ตามกำหนดการบันทึกข้อมูลงวดเดือน กันยายน ๒๕๖๑ จำนวน ๘ ฐานข้อมูล "
    "โดยบันทึกผ่านทางระบบอินเทอร์เน็ต (Online) เว็บไซต์กรมการพัฒนาชุมชน เรื่องบริการภายใน "
    "หัวข้อศูนย์ข้อมูลกลางฯ และรายงานผลการบันทึกข้อมูลฯ ให้จังหวัดทราบ ภายในวันที่ ๖ กันยายน ๒๕๖๑ "
    "ทางระบบกลุ่มไลน์ team it Lamphang เพื่อตรวจสอบความถูกต้องครบถ้วน "
    "ในการรายงานผลการบันทึกให้กรมการพัฒนาทราบต่อไป รายละเอียดตามสิ่งที่ส่งมาด้วย",
    "จึงเรียนมาเพื่อพิจารณาดำเนินการ",
]


def seed_letter(crest_png: bytes | None = None) -> LetterContent:
    return LetterContent(
        kind=LetterKind.EXTERNAL,
        number="ลป ๐๐๑๙.๔/ว ๒๒๖๖๗",
        date="๓๑ สิงหาคม ๒๕๖๑",
        subject="ศูนย์ข้อมูลกลางเพื่อการบริหารจัดการเก็บและใช้ประโยชน์ กรมการพัฒนาชุมชน ปี พ.ศ. ๒๕๖๑",
        addressee="นายอำเภอทุกอำเภอ",
        body=list(BODY),
        signer_name="นางสาวศศิธร อินทกุล",
        signer_position=["พัฒนาการจังหวัด ปฏิบัติราชการแทน", "ผู้ว่าราชการจังหวัดลำปาง"],
        contact=[
            "สำนักงานพัฒนาชุมชนจังหวัด",
            "กลุ่มงานสารสนเทศการพัฒนาชุมชน",
            "โทร/โทรสาร ๐ ๕๔๒๖ ๕๐๕๕",
        ],
        office_name="ศาลากลางจังหวัดลำปาง",
        office_address=["ถนนวชิราวุธดำเนิน ลป ๕๒๐๐๐"],
        reference="หนังสือจังหวัดลำปาง ที่ ลป ๐๐๑๙.๔/ว๑๖๑๑๙ ลงวันที่ ๒๐ มิถุนายน ๒๕๖๑",
        enclosures=[
            Enclosure(
                title="กำหนดการจัดเก็บและบันทึกข้อมูลศูนย์ข้อมูลกลางฯ ประจำปี พ.ศ. ๒๕๖๑",
                heading=["กำหนดการจัดเก็บและบันทึกข้อมูลศูนย์ข้อมูลกลางฯ ประจำปี พ.ศ. ๒๕๖๑"],
                columns=list(SCHEDULE_COLUMNS),
                rows=list(SCHEDULE_ROWS),
            ),
            Enclosure(title="วิธีเข้าสู่ระบบศูนย์ข้อมูลกลางเพื่อการบริหารจัดการเก็บและใช้ประโยชน์"),
            Enclosure(title="แบบรายงานผลการบันทึกฐานข้อมูลฯ"),
        ],
        crest_png=crest_png,
    )


def seed_memo(crest_png: bytes | None = None) -> LetterContent:
    return replace(
        seed_letter(crest_png),
        kind=LetterKind.MEMO,
        office_name="",
        office_address=[],
        department_line="สำนักงานพัฒนาชุมชนจังหวัดลำปาง กลุ่มงานสารสนเทศการพัฒนาชุมชน โทร ๐ ๕๔๒๖ ๕๐๕๕",
        addressee="พัฒนาการอำเภอทุกอำเภอ",
        signer_position=["พัฒนาการจังหวัดลำปาง"],
    )


def tiny_png() -> bytes:
    """A valid 4×4 red PNG, made without any image library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)  # 8-bit RGB
    raw = b"".join(b"\x00" + b"\xcc\x00\x00" * 4 for _ in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def letter_parts(content: LetterContent) -> list[str]:
    """The texts a rendered letter must show, in the order of the Regulation's form."""
    if content.kind == LetterKind.EXTERNAL:
        parts = [content.number, content.office_name, *content.office_address]
    else:
        parts = [content.department_line, content.number]
    parts += [content.date, content.subject]
    parts.append(content.addressee)
    if content.reference:
        parts.append(content.reference)
    parts += [e.title for e in content.enclosures]
    parts += content.body
    if content.kind == LetterKind.EXTERNAL:
        parts.append(content.closing)
    parts += [f"({content.signer_name})", *content.signer_position]
    if content.kind == LetterKind.EXTERNAL:
        parts += content.contact
    return [p for p in parts if p]


def missing_in_order(text: str, parts: list[str]) -> list[str]:
    """The parts not found in `text` one after another (whitespace ignored, since
    lines wrap anywhere in Thai); an empty list means all are there in order."""
    flat = "".join(text.split())
    missing = []
    position = 0
    for part in parts:
        found = flat.find("".join(part.split()), position)
        if found < 0:
            missing.append(part)
        else:
            position = found + len("".join(part.split()))
    return missing
