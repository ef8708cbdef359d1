"""Spreadsheet files in: what a file is, whether we take it, and its rows.

`inspect_upload` runs in the request and refuses at once what we never read:
files that are not spreadsheets, too large, password-protected, old .xls, with
macros or formulas. `read_table` (in the background task) turns an .xlsx (read by
python-calamine) or a CSV (UTF-8 with or without BOM, UTF-16, Windows-874/TIS-620;
comma, semicolon, tab or bar separated) into numbered rows of cells, and
`locate_columns` finds the template's header (dataset, fiscal year, period, org
unit) and the column of each field. `cell_value` turns one cell into what
`catalog.validation` reads: Thai digits, BE dates typed into date cells, Excel
serial dates, numbers that lost their leading zero, "บาท" after an amount.
Every refusal is a FileRefused with a Thai message; nothing here raises anything else.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from khomun.catalog.definition import DatasetDefinition, FieldDef

MAX_FILE_BYTES = 20 * 1024 * 1024  # 20 MB, stated on the upload page
MAX_ROWS = 100_000  # data rows per file
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024  # an .xlsx that inflates beyond this is a zip bomb
HEADER_SEARCH_ROWS = 15
BE_OFFSET = 543

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# A cell formula in sheet XML is an <f> element (maybe namespaced); <formula1> of a
# drop-down list is not.
FORMULA_PATTERN = re.compile(rb"<(?:\w+:)?f[\s>/]")
CELL_REF_PATTERN = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+[0-9]+)"')
MARKER_PATTERN = re.compile(r"^KHOMUN:([a-z0-9_]+)/(\d{4})/(\d+)/(\d+)$")
DATE_SEPARATORS = re.compile(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
SUBJECT_COLUMN = "__subject__"
SUBJECT_HEADERS = ("รหัสรายการ", "subject id", "subject_id", "subject")
DELIMITERS = (",", ";", "\t", "|")


class FileRefused(Exception):
    """The whole file is refused; `message` says why, in Thai."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- what the file is


def inspect_upload(name: str, content: bytes) -> str:
    """ "xlsx" or "csv" for a file we will read; FileRefused for anything else."""
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(too_large_message())
    if not content.strip():
        raise FileRefused(_("ไฟล์ว่างเปล่า"))
    if content.startswith(OLE2_MAGIC):
        if ENCRYPTED_STREAM in content:
            raise FileRefused(
                _("ไฟล์นี้ตั้งรหัสผ่านไว้ ระบบเปิดอ่านไม่ได้ โปรดเอารหัสผ่านออกแล้วบันทึกใหม่เป็น .xlsx")
            )
        raise FileRefused(_("ไฟล์ Excel รุ่นเก่า (.xls) ระบบไม่รับ โปรดบันทึกเป็น .xlsx (Excel Workbook)"))
    if content.startswith(ZIP_MAGIC):
        _check_workbook(name, content)
        return "xlsx"
    if _looks_like_text(content):
        return "csv"
    raise FileRefused(not_spreadsheet_message())


def too_large_message() -> str:
    return _("ไฟล์ใหญ่เกินไป รับได้ไม่เกิน %(mb)s MB และไม่เกิน %(rows)s แถว โปรดแบ่งเป็นหลายไฟล์") % {
        "mb": MAX_FILE_BYTES // (1024 * 1024),
        "rows": f"{MAX_ROWS:,}",
    }


def not_spreadsheet_message() -> str:
    return _("ไฟล์นี้ไม่ใช่ตารางข้อมูล รับเฉพาะไฟล์ Excel (.xlsx) หรือ CSV")


def _looks_like_text(content: bytes) -> bool:
    head = content[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return b"\x00" not in head


def _check_workbook(name: str, content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        raise FileRefused(not_spreadsheet_message()) from None
    with archive:
        if "xl/workbook.xml" not in names:
            raise FileRefused(not_spreadsheet_message())
        if "xl/vbaProject.bin" in names or name.lower().endswith((".xlsm", ".xltm")):
            raise FileRefused(
                _("ไฟล์นี้มีแมโคร (macro) ระบบไม่รับเพื่อความปลอดภัย โปรดบันทึกเป็น .xlsx (Excel Workbook)")
            )
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise FileRefused(too_large_message())
        for sheet in sorted(n for n in names if n.startswith("xl/worksheets/sheet")):
            cell = _first_formula(archive, sheet)
            if cell is not None:
                raise FileRefused(
                    _(
                        "ไฟล์นี้มีสูตรคำนวณ (เช่นที่เซลล์ %(cell)s) ระบบรับเฉพาะค่า "
                        "โปรดคัดลอกแล้ว “วางแบบค่า” (Paste Values) ก่อนนำเข้า"
                    )
                    % {"cell": cell}
                )


def _first_formula(archive: zipfile.ZipFile, member: str) -> str | None:
    """The reference of the first cell with a formula, read in chunks (sheets can be big)."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            match = FORMULA_PATTERN.search(text)
            if match:
                refs = CELL_REF_PATTERN.findall(text, 0, match.start())
                return refs[-1].decode() if refs else "?"
            tail = text[-4096:]
    return None


# ---------------------------------------------------------------- rows


@dataclass
class Table:
    """Non-empty rows of the first sheet as (row number as the user sees it, cells)."""

    rows: list[tuple[int, list[object]]]


def read_table(kind: str, content: bytes) -> Table:
    rows = list(_xlsx_rows(content) if kind == "xlsx" else _csv_rows(content))
    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise FileRefused(too_large_message())
    return Table(rows)


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[object]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        if sheet.end is not None and sheet.end[0] > MAX_ROWS + HEADER_SEARCH_ROWS + 1000:
            raise FileRefused(too_large_message())
        # Rows come from the first row, columns from the first used one: pad them back.
        padding: list[object] = [""] * (sheet.start[1] if sheet.start else 0)
        for index, row in enumerate(sheet.iter_rows()):
            if any(not _blank(c) for c in row):
                yield index + 1, padding + list(row)
    except CalamineError:
        raise FileRefused(_("อ่านไฟล์ Excel นี้ไม่ได้ ไฟล์อาจเสียหาย โปรดเปิดใน Excel แล้วบันทึกใหม่")) from None


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-874 (a superset of TIS-620)."""
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRefused(_("อ่านตัวอักษรในไฟล์นี้ไม่ได้")) from None
    for encoding in ("utf-8", "cp874"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("อ่านตัวอักษรในไฟล์ CSV นี้ไม่ได้ โปรดบันทึกเป็น CSV UTF-8 หรือ Windows-874 (ภาษาไทย)"))


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the most, equally long, columns."""
    sample = text.splitlines()[:20]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not counts or max(counts) < 2:
            continue
        widest = max(counts)
        score = (sum(1 for c in counts if c == widest), widest)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[object]]]:
    text = decode_text(content)
    if "\x00" in text:
        raise FileRefused(not_spreadsheet_message())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        start = 1
        for cells in reader:
            if any(c.strip() for c in cells):
                yield start, list(cells)
            start = reader.line_num + 1
    except csv.Error:
        raise FileRefused(_("อ่านไฟล์ CSV นี้ไม่ได้ (เครื่องหมายคำพูดไม่ครบคู่)")) from None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- header and columns


@dataclass
class Layout:
    """Where the data starts and which column holds which field."""

    header_row: int  # index in Table.rows
    columns: dict[int, str]  # column index -> field key (or SUBJECT_COLUMN)
    headers: list[str]  # the header cells as written
    marker: tuple[str, int, int, str] | None = None  # (dataset, year, period, orgunit)
    ignored: list[str] = field(default_factory=list)

    def header_of(self, col: int) -> str:
        return self.headers[col] if col < len(self.headers) else column_letter(col)


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _norm(text: object) -> str:
    words = str(text or "").replace("*", " ").split()
    return " ".join(words).lower()


def header_names(defn: DatasetDefinition) -> dict[str, str]:
    """Every way a column may be titled (Thai or English label, key) -> field key."""
    names: dict[str, str] = {_norm(h): SUBJECT_COLUMN for h in SUBJECT_HEADERS}
    for f in defn.fields:
        for text in (f.key, f.label_th, f.label_en):
            names.setdefault(_norm(text), f.key)
    return names


def template_marker(dataset_key: str, fiscal_year: int, period: int, orgunit: str) -> str:
    return f"KHOMUN:{dataset_key}/{fiscal_year}/{period}/{orgunit}"


def _find_marker(rows: list[tuple[int, list[object]]]) -> tuple[str, int, int, str] | None:
    for _number, cells in rows[:HEADER_SEARCH_ROWS]:
        for cell in cells:
            match = MARKER_PATTERN.match(str(cell).strip()) if isinstance(cell, str) else None
            if match:
                key, year, period, unit = match.groups()
                return key, int(year), int(period), unit
    return None


def locate_columns(table: Table, defn: DatasetDefinition) -> Layout:
    """The header row (the first of the top rows naming fields) and its columns."""
    names = header_names(defn)
    needed = 1 if len(defn.fields) == 1 else 2
    for index, (_number, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        columns = {
            col: names[_norm(cell)]
            for col, cell in enumerate(cells)
            if not _blank(cell) and _norm(cell) in names
        }
        if len([k for k in columns.values() if k != SUBJECT_COLUMN]) >= needed:
            headers = [str(c).strip() if not _blank(c) else "" for c in cells]
            ignored = [h for col, h in enumerate(headers) if h and col not in columns]
            return Layout(
                index, _first_of_each(columns), headers, _find_marker(table.rows), ignored
            )
    raise FileRefused(
        _(
            "ไม่พบแถวหัวตารางที่มีชื่อช่องของฐานข้อมูลนี้ในไฟล์ "
            "โปรดใช้แบบฟอร์มที่ดาวน์โหลดจากระบบ หรือให้แถวแรกเป็นชื่อช่องตามแบบฟอร์ม"
        )
    )


def _first_of_each(columns: dict[int, str]) -> dict[int, str]:
    """A field named twice is read from its first column only."""
    seen: set[str] = set()
    kept: dict[int, str] = {}
    for col in sorted(columns):
        if columns[col] not in seen:
            seen.add(columns[col])
            kept[col] = columns[col]
    return kept


# ---------------------------------------------------------------- one cell


def cell_value(f: FieldDef, value: object) -> object:
    """A cell as `validate_values` reads it; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return _text_cell(f, text) if text else None
    if isinstance(value, dt.datetime | dt.date):
        return _date_cell(f, value)
    if isinstance(value, float) and value.is_integer() and not isinstance(value, bool):
        return _whole_number_cell(f, int(value))
    if isinstance(value, dt.timedelta | dt.time):
        return str(value)
    return value


def _text_cell(f: FieldDef, text: str) -> object:
    if f.type == "date":
        plain = text.translate(THAI_DIGITS)
        match = DATE_SEPARATORS.match(plain)
        return "/".join(match.groups()) if match else plain
    if f.type == "money":
        return text.removesuffix("บาท").removeprefix("฿").strip()
    return text


def _date_cell(f: FieldDef, value: dt.date) -> object:
    day = value.date() if isinstance(value, dt.datetime) else value
    if day.year > 2400:  # a BE date typed into a date cell: Excel took 2562 as a CE year
        day = day.replace(year=day.year - BE_OFFSET)
    return day if f.type == "date" else day.isoformat()


def _whole_number_cell(f: FieldDef, number: int) -> object:
    if f.type == "phone" and 8 <= len(str(number)) <= 9:
        return f"0{number}"  # Excel dropped the leading zero of 081...
    if f.type == "date" and 1 <= number <= 2958465:
        return dt.date(1899, 12, 30) + dt.timedelta(days=number)  # an Excel serial date
    if f.type in ("text", "national_id", "phone", "orgunit"):
        return str(number)
    return number


def display(value: object) -> str:
    """A cell as text for the error report."""
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
