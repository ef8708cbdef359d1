"""The recording-result report as an .xlsx workbook laid out like the seed form.

Four title lines, two header rows (the recorded count spans the unit columns), one
row per period. Row numbers and periods are written in Thai digits as on the form;
counts stay numbers (they can be summed) but display in Thai digits through Excel's
Thai-digit number format.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from khomun.lib.thaidate import thai_digits
from khomun.monitoring.report import COLUMN_LABELS, COLUMNS, HEADERS, Report

# [$-D07041E]: Thai locale (041E) with Thai digits (D07).
THAI_DIGITS_FORMAT = "[$-D07041E]#,##0"
FONT = "TH Sarabun New"
WIDTHS = (6, 44, 10, 14, 10, 10, 10, 10, 30)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def workbook(report: Report) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "รายงานผลการบันทึกข้อมูล"
    _title(ws, report)
    first = _header(ws)
    for row in report.rows:
        counts = [row.count(c) for c in COLUMNS]
        ws.append(
            [
                thai_digits(row.number),
                row.name,
                row.period_label,
                row.expected,
                *("" if n is None else n for n in counts),
                row.note,
            ]
        )
    _style(ws, first)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title(ws: Worksheet, report: Report) -> None:
    last = len(WIDTHS)
    for line in report.title_lines:
        ws.append([line])
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = ws.cell(row, 1)
        cell.font = Font(name=FONT, bold=True, size=16)
        cell.alignment = Alignment(horizontal="center")
    ws.append([])


def _header(ws: Worksheet) -> int:
    """Two header rows as on the form; returns the first of them."""
    ws.append(
        [
            str(HEADERS["number"]),
            str(HEADERS["name"]),
            str(HEADERS["period"]),
            str(HEADERS["expected"]),
            str(HEADERS["recorded"]),
            "",
            "",
            "",
            str(HEADERS["note"]),
        ]
    )
    top = ws.max_row
    ws.append(["", "", "", "", *(str(COLUMN_LABELS[c]) for c in COLUMNS), ""])
    for column in (1, 2, 3, 4, 9):
        ws.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    ws.merge_cells(start_row=top, start_column=5, end_row=top, end_column=8)
    return top


def _style(ws: Worksheet, header_row: int) -> None:
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[chr(64 + index)].width = width
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=len(WIDTHS)):
        for cell in row:
            is_header = cell.row < header_row + 2
            cell.border = BOX
            cell.font = Font(name=FONT, size=16, bold=is_header)
            wrap = is_header or cell.column in (2, 9)
            centred = is_header or cell.column in (1, 3)
            cell.alignment = Alignment(
                wrap_text=wrap,
                vertical="center" if is_header else "top",
                horizontal="center" if centred else None,
            )
            if isinstance(cell.value, int):
                cell.number_format = THAI_DIGITS_FORMAT
