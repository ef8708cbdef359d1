"""Exports of the monitoring screens: every table as an .xlsx workbook.

One sheet per table; numbers stay numbers, rates are percentages, and a cell
coloured on screen is coloured the same in the workbook.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from khomun.monitoring.completeness import FIGURE_NAMES as COUNTED_FIGURES
from khomun.monitoring.completeness import Figures, Gap, Rollup
from khomun.monitoring.labels import FIGURE_LABELS, GAP_LABELS
from khomun.monitoring.matrix import Matrix
from khomun.orgunits.models import OrgUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILLS = {"green": "C8E6C9", "amber": "FFE0B2", "red": "FFCDD2"}
Cell = str | int | float | None


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # Per row, the colour of the row's rate cell (green, amber, red) if any.
    colours: list[str] = field(default_factory=list)
    rate_columns: tuple[int, ...] = ()  # 0-based columns that hold rates (0..1)
    title_lines: list[str] = field(default_factory=list)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write(book.create_sheet(sheet.title[:31]), sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write(ws: Any, sheet: Sheet) -> None:
    for line in sheet.title_lines:
        ws.append([line])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append(sheet.header)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for n, row in enumerate(sheet.rows):
        ws.append(row)
        colour = sheet.colours[n] if n < len(sheet.colours) else ""
        for col in sheet.rate_columns:
            cell = ws.cell(ws.max_row, col + 1)
            cell.number_format = "0%"
            if colour in FILLS:
                cell.fill = PatternFill("solid", start_color=FILLS[colour])
    for index, title in enumerate(sheet.header, start=1):
        width = max(12, min(48, len(str(title)) + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)


def response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    reply = HttpResponse(workbook(sheets), content_type=XLSX)
    reply["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return reply


# ---------------------------------------------------------------- the screens' tables

FIGURE_NAMES = (*COUNTED_FIGURES, "missing")


def figure_headers() -> list[str]:
    return [str(FIGURE_LABELS[name]) for name in FIGURE_NAMES] + [str(FIGURE_LABELS["rate"])]


def figure_cells(figures: Figures) -> list[Cell]:
    return [getattr(figures, name) for name in FIGURE_NAMES] + [figures.complete_rate]


def matrix_sheet(m: Matrix) -> Sheet:
    """One row per unit and column: long and filterable, like a pivot table's source."""
    header = [_("รหัส"), _("หน่วยงาน"), _("ฐานข้อมูล"), _("งวด"), *figure_headers()]
    sheet = Sheet(_("ผลการบันทึก"), header, title_lines=[_title(m.unit, m.fiscal_year)])
    sheet.rate_columns = (len(header) - 1,)
    for row in [*m.rows, m.total]:
        for column, figures in zip(m.columns, row.cells, strict=True):
            name = row.unit.full_name_th + (_(" (รวม)") if row.is_total and m.rows else "")
            sheet.rows.append(
                [
                    row.unit.code,
                    name,
                    column.period.dataset.name_th,
                    column.period.label_th,
                    *figure_cells(figures),
                ]
            )
            sheet.colours.append(figures.colour)
    return sheet


def children_sheet(result: Rollup) -> Sheet:
    header = [_("รหัส"), _("หน่วยงาน"), *figure_headers()]
    sheet = Sheet(_("รายหน่วยงาน"), header, title_lines=[_period_title(result)])
    sheet.rate_columns = (len(header) - 1,)
    for unit, figures in [*result.children, (result.unit, result.total)]:
        sheet.rows.append([unit.code, unit.full_name_th, *figure_cells(figures)])
        sheet.colours.append(figures.colour)
    return sheet


def gaps_sheet(result: Rollup, gap_list: Sequence[Gap]) -> Sheet:
    sheet = Sheet(
        _("รายการที่ยังขาด"),
        [_("ชื่อ"), _("พื้นที่"), _("รหัสพื้นที่"), _("สถานะ"), _("เหตุผลที่ส่งกลับ")],
        title_lines=[_period_title(result)],
    )
    for gap in gap_list:
        comment = gap.record.return_comment if gap.record is not None else ""
        sheet.rows.append(
            [gap.name, gap.place.full_name_th, gap.place.code, str(GAP_LABELS[gap.status]), comment]
        )
    return sheet


def _title(unit: OrgUnit, fiscal_year: int) -> str:
    return _("ผลการบันทึกข้อมูล %(unit)s ปีงบประมาณ พ.ศ. %(year)s") % {
        "unit": unit.full_name_th,
        "year": fiscal_year,
    }


def _period_title(result: Rollup) -> str:
    period = result.period
    dataset = period.dataset
    return f"{dataset.name_th} {period.label_th} · {_title(result.unit, dataset.fiscal_year)}"
