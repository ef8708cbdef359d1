"""Composition against the seed letters: every part present, in order, Thai digits."""

import datetime as dt
import re

import pytest

from khomun.letters import compose
from khomun.letters.content import LetterContent, LetterKind
from khomun.letters.tests.conftest import DECEMBER

ARABIC = re.compile(r"[0-9]")
LETTER_DAY = dt.date(2018, 12, 10)

# The parts of each kind, in the order the Regulation on Correspondence prints them.
EXTERNAL_PARTS = [
    "number", "office_name", "office_address", "date", "subject", "addressee", "reference",
    "enclosures", "body", "closing", "signer_name", "signer_position", "contact",
]  # fmt: skip
MEMO_PARTS = [
    "department_line", "number", "date", "subject", "addressee", "reference", "enclosures",
    "body", "signer_name", "signer_position",
]  # fmt: skip


def texts(content: LetterContent):
    """Every printed text of a letter, enclosures included."""
    yield from (content.number, content.date, content.subject, content.addressee)
    yield from (content.reference, content.department_line, content.office_name)
    yield from (*content.office_address, *content.body, *content.signer_position)
    yield from content.contact
    for enclosure in content.enclosures:
        yield from (enclosure.title, enclosure.amount, *enclosure.heading)
        for row in enclosure.rows:
            yield from row.cells


def assert_parts(content, parts):
    for name in parts:
        value = getattr(content, name)
        assert value, f"{name} is empty"
    # The dataclass keeps the Regulation's order for the parts both kinds share.
    order = [f for f in LetterContent.__dataclass_fields__ if f in parts]
    shared = ["subject", "addressee", "body", "signer_name", "signer_position"]
    assert [f for f in order if f in shared] == shared


def assert_thai_digits(content):
    for text in texts(content):
        assert not ARABIC.search(text.replace("OTOP", "")), text


@pytest.mark.parametrize("kind", [LetterKind.EXTERNAL, LetterKind.MEMO])
def test_a_schedule_letter_has_every_part(kind, lampang, lampang_settings, catalog_2562):
    content = compose.schedule_letter(
        lampang, 2562, kind=kind, reference="หนังสือจังหวัดลำปาง ที่ ลป 0019.4/ว 347", date=LETTER_DAY
    )
    content = type(content)(**{**content.__dict__, "number": "ลป ๐๐๑๙.๔/ว ๑"})
    assert_parts(content, EXTERNAL_PARTS if kind == LetterKind.EXTERNAL else MEMO_PARTS)
    assert_thai_digits(content)
    assert content.date == "๑๐ ธันวาคม ๒๕๖๑"
    assert content.reference == "หนังสือจังหวัดลำปาง ที่ ลป ๐๐๑๙.๔/ว ๓๔๗"
    assert content.body[0].startswith("ตามหนังสือที่อ้างถึง จังหวัดลำปางได้แจ้ง")
    assert "จำนวน ๑๑ ฐานข้อมูล" in content.body[0]
    assert content.body[-1] == "จึงเรียนมาเพื่อพิจารณาดำเนินการต่อไป"
    if kind == LetterKind.EXTERNAL:
        assert content.addressee == "นายอำเภอทุกอำเภอ"
        assert content.office_name == "ศาลากลางจังหวัดลำปาง"
        assert content.office_address == ["ถนนวชิราวุธดำเนิน ลป ๕๒๐๐๐"]
        assert content.signer_position == ["พัฒนาการจังหวัด ปฏิบัติราชการแทน", "ผู้ว่าราชการจังหวัดลำปาง"]
        assert content.contact[-1] == "โทร/โทรสาร ๐ ๕๔๒๖ ๕๐๕๕"
        assert content.closing == "ขอแสดงความนับถือ"
        assert not content.department_line
    else:
        assert content.addressee == "พัฒนาการอำเภอทุกอำเภอ"
        assert content.closing == "" and content.office_name == "" and not content.office_address
        assert content.department_line.startswith("สำนักงานพัฒนาชุมชนจังหวัดลำปาง")
        assert content.signer_position == ["พัฒนาการจังหวัดลำปาง"]


def test_the_schedule_table_matches_the_fy2562_catalog(lampang, lampang_settings, catalog_2562):
    (table,) = compose.schedule_letter(lampang, 2562, date=LETTER_DAY).enclosures
    assert table.title == "กำหนดการจัดเก็บและบันทึกข้อมูลศูนย์ข้อมูลกลางฯ ประจำปี พ.ศ. ๒๕๖๒"
    groups = [row.cells[0] for row in table.rows if row.is_group]
    assert groups == [
        "ฐานข้อมูลสำนักเสริมสร้างความเข้มแข็งชุมชน",
        "ฐานข้อมูลสำนักพัฒนาทุนและองค์กรการเงินชุมชน",
        "ฐานข้อมูลสำนักส่งเสริมภูมิปัญญาท้องถิ่นและวิสาหกิจชุมชน",
        "ฐานข้อมูลกองแผนงาน",
    ]
    rows = {row.cells[1]: row.cells for row in table.rows if not row.is_group}
    assert len(rows) == 11
    assert [row.cells[0] for row in table.rows if not row.is_group] == [
        compose.thai_digits(n) for n in range(1, 12)
    ]
    otop = rows["ข้อมูลยอดจำหน่าย OTOP"]
    assert otop[2:5] == ["ทุกวันที่ ๑๐ ของเดือน", "✓", "✓"]
    savings = rows["ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต"]
    assert savings[2] == (
        "๔ งวด งวดที่ ๑ : ๒๐ ธันวาคม งวดที่ ๒ : ๒๐ มีนาคม งวดที่ ๓ : ๒๐ มิถุนายน งวดที่ ๔ : ๒๐ กันยายน"
    )
    assert savings[3:6] == ["✓", "", "กลุ่มงานส่งเสริมการพัฒนาชุมชน"]
    assert rows["ข้อมูลเครือข่ายกองทุนชุมชน"][2] == "๑ งวด (กันยายน)"
    standard = next(cells for name, cells in rows.items() if "มาตรฐาน" in name)
    assert standard[2] == "๒ งวด (มีนาคม และ กันยายน)"
    assert "ไตรมาส ๒" in standard[6]
    mother = next(cells for name, cells in rows.items() if "แม่ของแผ่นดิน" in name)
    assert mother[5] == "กลุ่มงานสารสนเทศการพัฒนาชุมชน"


@pytest.mark.parametrize("kind", [LetterKind.EXTERNAL, LetterKind.MEMO])
def test_a_reminder_names_exactly_the_late_districts(
    kind, lampang, lampang_settings, late_districts
):
    content = compose.reminder_letter(
        lampang,
        2562,
        DECEMBER,
        kind=kind,
        reference="หนังสือจังหวัดลำปาง ที่ ลป ๐๐๑๙.๔/ว ๑",
        date=LETTER_DAY,
        report_by=dt.date(2018, 12, 25),
    )
    content = type(content)(**{**content.__dict__, "number": "ลป ๐๐๑๙.๔/ว ๒"})
    assert_parts(content, EXTERNAL_PARTS if kind == LetterKind.EXTERNAL else MEMO_PARTS)
    assert_thai_digits(content)
    title = "พัฒนาการ" if kind == LetterKind.MEMO else "นาย"
    assert content.addressee == f"{title}อำเภอเมืองลำปาง และ{title}อำเภอแม่เมาะ"
    assert "เกาะคา" not in content.addressee
    assert "งวดเดือน ธันวาคม ๒๕๖๑" in content.body[1]
    assert "ภายในวันที่ ๒๐ ธันวาคม ๒๕๖๑" in content.body[1]
    assert "ภายในวันที่ ๒๕ ธันวาคม ๒๕๖๑" in content.body[1]
    schedule, form, missing = content.enclosures
    assert schedule.title.startswith("กำหนดการจัดเก็บและบันทึกข้อมูล")
    assert form.title == "แบบรายงานผลการบันทึกฐานข้อมูลฯ"
    assert form.heading[0] == "รายงานผลการบันทึกข้อมูล" and form.heading[-1] == "จังหวัดลำปาง"
    assert form.rows[0].cells[:4] == ["๑", "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต", "๑ (ธ.ค)", "๔"]
    assert [row.cells[1] for row in missing.rows] == ["อำเภอเมืองลำปาง", "อำเภอแม่เมาะ"]


def test_a_district_late_with_monthly_otop_sales_is_named_too(lampang, late_districts, make_user):
    from khomun.accounts.choices import Role
    from khomun.orgunits.models import OrgUnit
    from khomun.records.services import create_subject

    recorder = make_user("rec.5204", Role.DISTRICT_RECORDER, "5204")
    create_subject(
        recorder,
        kind="otop_producer",
        orgunit=OrgUnit.objects.get(code="5204"),
        name="วิสาหกิจชุมชนผ้าทอเมืองปาน",
    )
    gaps = {gap.unit.code: gap for gap in compose.districts_missing(lampang, 2562, DECEMBER)}
    assert set(gaps) == {"5201", "5202", "5204"}
    assert [period.dataset.key for period, _ in gaps["5204"].items] == ["otop_sales"]
