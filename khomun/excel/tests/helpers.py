"""Shared by the Excel tests (and the API's): files made the way offices make them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import xlsxwriter

from khomun.catalog.models import Dataset
from khomun.excel.templates import FIRST_DATA_ROW, HEADER_ROW
from khomun.schedule.models import Period

BANGKOK = ZoneInfo("Asia/Bangkok")
# 1 March 2562 BE: savings-group period 2 (due 20 March 2562) is open, period 1 locked.
SPRING = dt.datetime(2019, 3, 1, 10, 0, tzinfo=BANGKOK)

SAVINGS_HEADERS = [
    "ชื่อกลุ่มออมทรัพย์เพื่อการผลิต",
    "หมู่บ้านที่ตั้งกลุ่ม",
    "วันที่จัดตั้งกลุ่ม",
    "สมาชิกชาย",
    "สมาชิกหญิง",
    "จำนวนสมาชิกทั้งหมด",
    "เงินสัจจะสะสมทรัพย์คงเหลือ",
    "เงินให้สมาชิกกู้คงค้าง",
    "ผลการตรวจสุขภาพกลุ่ม",
]


def period_of(key: str, number: int, year: int = 2562) -> Period:
    return (
        Dataset.objects.get(fiscal_year=year, key=key)
        .periods.select_related("dataset")
        .get(number=number)
    )


def group_row(index: int, village: str = "52010101", **changes: Any) -> list[Any]:
    """One valid savings group row under SAVINGS_HEADERS."""
    row: dict[str, Any] = {
        "name": f"กลุ่มออมทรัพย์ทดสอบ {index}",
        "village": village,
        "founded": "15/06/2545",
        "male": 10,
        "female": 15,
        "members": 25,
        "balance": "150,000.50",
        "loans": 100000,
        "health": "ระดับ 3 ดี",
    }
    row.update(changes)
    return list(row.values())


def xlsx_bytes(rows: list[list[Any]], *, constant_memory: bool = False) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output, {"in_memory": not constant_memory, "constant_memory": constant_memory}
    )
    sheet = workbook.add_worksheet("ข้อมูล")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, workbook.add_format({"num_format": "dd/mm/yyyy"}))
            else:
                sheet.write(r, c, value)
    workbook.close()
    return output.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def savings_file(count: int, start: int = 1, **changes: Any) -> bytes:
    return xlsx_bytes(
        [SAVINGS_HEADERS] + [group_row(i, **changes) for i in range(start, start + count)]
    )


def fill_template(content: bytes, rows: list[dict[str, Any]]) -> bytes:
    """Fill a downloaded template with openpyxl as an office would: by header label,
    new rows under the pre-filled ones."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    headers = {
        str(cell.value).rstrip(" *"): cell.column
        for cell in sheet[HEADER_ROW + 1]
        if cell.value is not None
    }
    first = max(sheet.max_row, FIRST_DATA_ROW) + 1
    for offset, values in enumerate(rows):
        for label, value in values.items():
            sheet.cell(row=first + offset, column=headers[label], value=value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def template_headers(content: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [str(c.value) for c in sheet[HEADER_ROW + 1] if c.value is not None]


def choice(value: str, th: str, en: str) -> dict[str, str]:
    return {"value": value, "label_th": th, "label_en": en}


# A dataset with one field of every type, for the round trip through Excel.
ALL_TYPES: dict[str, Any] = {
    "key": "all_types",
    "order": 99,
    "name_th": "ทดสอบข้อมูลทุกชนิด",
    "name_en": "Every field type",
    "owner": "planning_division",
    "owner_th": "กองแผนงาน",
    "unit": "person",
    "levels": ["district"],
    "working_group": "information",
    "subject": {
        "kind": "test_person",
        "label_th": "บุคคลทดสอบ",
        "label_en": "Test person",
        "orgunit_level": "village",
    },
    "periods": {"rule": "quarterly", "due": ["12-20", "03-20", "06-20", "09-20"]},
    "fields": [
        {
            "key": "full_name",
            "type": "text",
            "label_th": "ชื่อ-สกุล",
            "label_en": "Full name",
            "required": True,
            "identity": True,
            "max_length": 100,
        },
        {
            "key": "national_id",
            "type": "national_id",
            "label_th": "เลขประจำตัวประชาชน",
            "label_en": "National ID",
            "identity": True,
            "mask": "national_id",
        },
        {"key": "village", "type": "orgunit", "label_th": "หมู่บ้าน", "label_en": "Village"},
        {"key": "birth_date", "type": "date", "label_th": "วันเกิด", "label_en": "Birth date"},
        {
            "key": "children",
            "type": "integer",
            "label_th": "จำนวนบุตร",
            "label_en": "Children",
            "min": 0,
            "max": 20,
        },
        {
            "key": "income",
            "type": "money",
            "label_th": "รายได้ต่อปี",
            "label_en": "Yearly income",
            "min": 0,
            "required": True,
        },
        {
            "key": "score",
            "type": "decimal",
            "label_th": "คะแนน",
            "label_en": "Score",
            "decimals": 1,
            "min": 0,
            "max": 100,
        },
        {
            "key": "level",
            "type": "choice",
            "label_th": "ระดับ",
            "label_en": "Level",
            "choices": [choice("a", "ดีมาก", "Very good"), choice("b", "ดี", "Good")],
        },
        {
            "key": "skills",
            "type": "multichoice",
            "label_th": "ทักษะ",
            "label_en": "Skills",
            "choices": [
                choice("weave", "ทอผ้า", "Weaving"),
                choice("cook", "ทำอาหาร", "Cooking"),
                choice("wood", "งานไม้", "Woodwork"),
            ],
        },
        {"key": "volunteer", "type": "boolean", "label_th": "เป็นอาสาสมัคร", "label_en": "Volunteer"},
        {
            "key": "phone",
            "type": "phone",
            "label_th": "โทรศัพท์",
            "label_en": "Phone",
            "mask": "phone",
        },
        {
            "key": "mentor",
            "type": "subject",
            "label_th": "พี่เลี้ยง",
            "label_en": "Mentor",
            "subject_kind": "test_person",
        },
    ],
}


def load_all_types() -> Period:
    """Publish ALL_TYPES in FY2562; its period 2 (due 20 March 2562)."""
    from khomun.catalog.services import save_version

    save_version(2562, ALL_TYPES)
    return period_of("all_types", 2)
