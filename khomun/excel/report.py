"""The error report of a refused import: the file as it was read, bad cells in red.

Sheet 1 repeats every row of the upload at its own row number, fills each bad
cell red with the message as a comment, and adds a last column with the row's
messages; sheet 2 lists every error (row, column, value, message) to work through.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _

from khomun.excel import reading
from khomun.excel.models import ImportJob


def error_report(job: ImportJob) -> bytes:
    with translation.override(job.language):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_urls": False})
        bad = workbook.add_format({"bg_color": "#F8C9C4", "border": 1, "border_color": "#B3261E"})
        head = workbook.add_format({"bold": True, "bg_color": "#DCE8F0"})
        date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
        _write_file(workbook, job, bad, head, date_format)
        _write_list(workbook, job, head)
        workbook.close()
    return output.getvalue()


def _rows_of(job: ImportJob) -> list[tuple[int, list[object]]]:
    if not job.content:
        return []
    try:
        return reading.read_table(job.file_kind, bytes(job.content)).rows
    except reading.FileRefused:
        return []


def _write_file(workbook: Any, job: ImportJob, bad: Any, head: Any, date_format: Any) -> None:
    rows = _rows_of(job)
    if not rows:
        return
    sheet = workbook.add_worksheet(_("ไฟล์ที่นำเข้า"))
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in job.errors:
        if error.get("row") is None:
            continue
        by_row[error["row"]].append(_message_line(error))
        if error.get("col") is not None:
            by_cell[(error["row"], error["col"])].append(error["message"])
    width = max(len(cells) for _n, cells in rows)
    sheet.write_string(0, width, _("ข้อผิดพลาด"), head)
    for number, cells in rows:
        for col, value in enumerate(cells):
            messages = by_cell.get((number, col))
            _write_cell(sheet, number - 1, col, value, bad if messages else None, date_format)
            if messages:
                sheet.write_comment(number - 1, col, "\n".join(messages), {"x_scale": 2})
        for col in range(len(cells), width):
            if (number, col) in by_cell:
                sheet.write_blank(number - 1, col, None, bad)
        if by_row.get(number):
            sheet.write_string(number - 1, width, "\n".join(by_row[number]), bad)
    sheet.set_column(width, width, 60)


def _write_cell(sheet: Any, row: int, col: int, value: object, fmt: Any, date_format: Any) -> None:
    if isinstance(value, dt.datetime | dt.date):
        try:
            sheet.write_datetime(row, col, value, fmt or date_format)
            return
        except (OverflowError, ValueError):
            value = reading.display(value)
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def _message_line(error: dict[str, Any]) -> str:
    column = error.get("column") or ""
    return f"{column}: {error['message']}" if column else str(error["message"])


def _write_list(workbook: Any, job: ImportJob, head: Any) -> None:
    sheet = workbook.add_worksheet(_("รายการข้อผิดพลาด"))
    for col, text in enumerate([_("แถว"), _("ช่อง"), _("ค่าที่กรอก"), _("ข้อผิดพลาด")]):
        sheet.write_string(0, col, text, head)
    line = 1
    if job.message:
        sheet.write_string(line, 3, job.message)
        line += 1
    for error in job.errors:
        if error.get("row") is not None:
            sheet.write_number(line, 0, error["row"])
        sheet.write_string(line, 1, error.get("column") or "")
        sheet.write_string(line, 2, error.get("value") or "")
        sheet.write_string(line, 3, error["message"])
        line += 1
    sheet.set_column(1, 2, 28)
    sheet.set_column(3, 3, 80)
