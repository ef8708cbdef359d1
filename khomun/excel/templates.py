"""The .xlsx template of one dataset, period and recording unit.

Sheet 1 "ข้อมูล" is what the office fills: a title, a marker row that names the
dataset, fiscal year, period and unit (the import refuses the file anywhere
else), the header row with the field labels (Thai, or English when the user chose
English; * marks required fields, a note under each header explains it), then one
row per active subject, pre-filled with its values of this period or, if none yet,
of its last period. The first column is the subject's id so that a re-upload
updates the same subjects. Choices and yes/no are drop-downs fed from the hidden
sheet "lists"; money has a baht format; dates are text so that a Buddhist-Era
date stays as typed. Sheet 2 explains every column.
"""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from khomun.catalog.definition import DatasetDefinition, FieldDef
from khomun.excel import personal
from khomun.excel.reading import template_marker
from khomun.excel.values import boolean_words, date_text, lang_of, text_value
from khomun.orgunits.models import OrgUnit
from khomun.records.models import Record, Subject
from khomun.records.progress import expected_subjects
from khomun.schedule.models import Period

TITLE_ROW, MARKER_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 3
EXTRA_VALIDATED_ROWS = 2000  # room for new rows under the pre-filled ones
LISTS_SHEET = "lists"
NUMBER_FORMATS = {"money": "#,##0.00", "integer": "#,##0"}


def file_name(period: Period, unit: OrgUnit) -> str:
    dataset = period.dataset
    return f"{dataset.key}_{dataset.fiscal_year}_p{period.number}_{unit.code}.xlsx"


def build_template(user: Any, period: Period, unit: OrgUnit, defn: DatasetDefinition) -> bytes:
    """The workbook as bytes (a district's subjects fit in memory comfortably)."""
    lang = lang_of(getattr(user, "language", None) or translation.get_language())
    with translation.override(lang):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(_("ข้อมูล"))
        help_sheet = workbook.add_worksheet(_("คำอธิบาย"))
        lists = workbook.add_worksheet(LISTS_SHEET)
        lists.hide()
        writer = _TemplateWriter(workbook, sheet, lists, defn, lang)
        rows = prefill_rows(period, unit, defn)
        show_personal = personal.may_see_personal_data(user, unit)
        writer.title(period, unit)
        writer.header()
        writer.rows(rows, show_personal)
        writer.validations(len(rows))
        _write_help(workbook, help_sheet, defn, lang)
        workbook.close()
    return output.getvalue()


# ---------------------------------------------------------------- what is pre-filled


def prefill_rows(
    period: Period, unit: OrgUnit, defn: DatasetDefinition
) -> list[tuple[Subject | None, dict[str, Any]]]:
    """(subject, values) per active subject: this period's values, else the last period's,
    else the subject's own identity attributes. Three queries whatever the size."""
    if defn.subject is None:
        return [(None, _unit_values(period, unit))]
    subjects = list(expected_subjects(period, unit))
    of_subjects = Record.objects.filter(
        subject__kind=period.dataset.subject_kind, subject__orgunit_path__startswith=unit.path
    )
    current = dict(of_subjects.filter(period=period).values_list("subject_id", "values"))
    earlier: dict[int, dict[str, Any]] = {}
    previous = (
        of_subjects.filter(period__dataset__key=period.dataset.key, period__end__lt=period.start)
        .order_by("subject_id", "-period__end")
        .values_list("subject_id", "values")
    )
    for subject_id, values in previous.iterator(chunk_size=2000):
        earlier.setdefault(subject_id, values)
    return [
        (s, current.get(s.pk) or earlier.get(s.pk) or dict(s.attributes or {})) for s in subjects
    ]


def _unit_values(period: Period, unit: OrgUnit) -> dict[str, Any]:
    records = Record.objects.filter(orgunit=unit, subject__isnull=True)
    this = records.filter(period=period).values_list("values", flat=True).first()
    if this is not None:
        return dict(this)
    last = (
        records.filter(period__dataset__key=period.dataset.key, period__end__lt=period.start)
        .order_by("-period__end")
        .values_list("values", flat=True)
        .first()
    )
    return dict(last or {})


# ---------------------------------------------------------------- writing


class _TemplateWriter:
    def __init__(
        self,
        workbook: Workbook,
        sheet: Worksheet,
        lists: Worksheet,
        defn: DatasetDefinition,
        lang: str,
    ) -> None:
        self.workbook, self.sheet, self.lists, self.defn, self.lang = (
            workbook,
            sheet,
            lists,
            defn,
            lang,
        )
        add = workbook.add_format
        self.text = add({"num_format": "@"})
        self.formats = {kind: add({"num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()}
        self.id_format = add({"bg_color": "#EEF2F5", "font_color": "#5A6877"})
        self.head = add(
            {"bold": True, "bg_color": "#DCE8F0", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.required_head = add(
            {
                "bold": True,
                "bg_color": "#FFE9B3",
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.title_format = add({"bold": True, "font_size": 14})
        self.marker_format = add({"font_color": "#5A6877", "italic": True})

    def cell_format(self, f: FieldDef) -> Any:
        if f.type == "decimal":
            decimals = 2 if f.decimals is None else f.decimals
            return self.workbook.add_format(
                {"num_format": "0." + "0" * decimals if decimals else "0"}
            )
        return self.formats.get(f.type, self.text)

    def title(self, period: Period, unit: OrgUnit) -> None:
        dataset = period.dataset
        name = dataset.name_en if self.lang == "en" and dataset.name_en else dataset.name_th
        label = period.label_en if self.lang == "en" else period.label_th
        text = _("%(name)s · ปีงบประมาณ %(year)s · %(period)s · %(unit)s") % {
            "name": name,
            "year": dataset.fiscal_year,
            "period": label,
            "unit": unit.full_name,
        }
        self.sheet.write_string(TITLE_ROW, 0, text, self.title_format)
        self.sheet.write_string(MARKER_ROW, 0, _("รหัสแบบฟอร์ม (ห้ามแก้ไข)"), self.marker_format)
        marker = template_marker(dataset.key, dataset.fiscal_year, period.number, unit.code)
        self.sheet.write_string(MARKER_ROW, 1, marker, self.marker_format)
        self.sheet.write_string(
            MARKER_ROW,
            2,
            _("กรอกข้อมูลตั้งแต่แถวที่ 4 ลงไป แถวละหนึ่งรายการ ช่องที่มี * ต้องกรอก วันที่แบบ วว/ดด/ปปปป (พ.ศ.)"),
            self.marker_format,
        )

    def header(self) -> None:
        sheet = self.sheet
        sheet.write_string(HEADER_ROW, 0, _("รหัสรายการ"), self.head)
        sheet.write_comment(HEADER_ROW, 0, _("รหัสของรายการในระบบ ห้ามแก้ไข เว้นว่างไว้สำหรับรายการใหม่"))
        sheet.set_column(0, 0, 12, self.id_format)
        for col, f in enumerate(self.defn.fields, start=1):
            label = f.label(self.lang) + (" *" if f.required else "")
            sheet.write_string(
                HEADER_ROW, col, label, self.required_head if f.required else self.head
            )
            note = field_note(f, self.lang)
            if note:
                sheet.write_comment(HEADER_ROW, col, note, {"x_scale": 2, "y_scale": 1.5})
            sheet.set_column(col, col, _width(f), self.cell_format(f))
        sheet.set_row(HEADER_ROW, 48)
        sheet.freeze_panes(FIRST_DATA_ROW, 2)

    def rows(self, rows: list[tuple[Subject | None, dict[str, Any]]], show_personal: bool) -> None:
        for index, (subject, values) in enumerate(rows):
            row = FIRST_DATA_ROW + index
            if subject is not None:
                self.sheet.write_number(row, 0, subject.pk, self.id_format)
            for col, f in enumerate(self.defn.fields, start=1):
                if f.type in personal.PERSONAL_TYPES and not show_personal:
                    continue
                self.write_value(row, col, f, values.get(f.key))

    def write_value(self, row: int, col: int, f: FieldDef, value: Any) -> None:
        shown = date_text(value, self.lang) if f.type == "date" else text_value(f, value, self.lang)
        if shown is None or shown == "":
            return
        if isinstance(shown, int | float) and not isinstance(shown, bool):
            self.sheet.write_number(row, col, shown, self.cell_format(f))
        else:
            self.sheet.write_string(row, col, str(shown), self.text)

    def validations(self, prefilled: int) -> None:
        last = FIRST_DATA_ROW + prefilled + EXTRA_VALIDATED_ROWS
        list_col = 0
        for col, f in enumerate(self.defn.fields, start=1):
            if f.type in ("choice", "boolean"):
                options = (
                    boolean_words(self.lang)
                    if f.type == "boolean"
                    else [str(text_value(f, c.value, self.lang)) for c in f.choices]
                )
                source = self._list(list_col, f.key, options)
                list_col += 1
                self.sheet.data_validation(
                    FIRST_DATA_ROW,
                    col,
                    last,
                    col,
                    {
                        "validate": "list",
                        "source": source,
                        "error_title": f.label(self.lang)[:32],
                        "error_message": _("โปรดเลือกจากรายการ")[:255],
                    },
                )
            elif f.type in ("integer", "money", "decimal") and f.min is not None:
                self._number_validation(col, last, f)

    def _list(self, list_col: int, key: str, options: list[str]) -> str:
        self.lists.write_string(0, list_col, key)
        for index, option in enumerate(options, start=1):
            self.lists.write_string(index, list_col, option)
        letter = xlsxwriter.utility.xl_col_to_name(list_col)
        return f"={LISTS_SHEET}!${letter}$2:${letter}${len(options) + 1}"

    def _number_validation(self, col: int, last: int, f: FieldDef) -> None:
        options: dict[str, Any] = {
            "validate": "integer" if f.type == "integer" else "decimal",
            "error_title": f.label(self.lang)[:32],
        }
        if f.max is not None:
            options.update(criteria="between", minimum=f.min, maximum=f.max)
            message = _("ต้องอยู่ระหว่าง %(min)s ถึง %(max)s") % {"min": f.min, "max": f.max}
        else:
            options.update(criteria=">=", value=f.min)
            message = _("ต้องไม่น้อยกว่า %(min)s") % {"min": f.min}
        options["error_message"] = message[:255]
        self.sheet.data_validation(FIRST_DATA_ROW, col, last, col, options)


def _width(f: FieldDef) -> int:
    if f.type in ("text", "multichoice"):
        return 30
    if f.type in ("choice", "national_id"):
        return 22
    return 16


TYPE_NOTES = {
    "text": gettext_noop("ข้อความ"),
    "integer": gettext_noop("จำนวนเต็ม"),
    "money": gettext_noop("จำนวนเงิน บาท.สตางค์ เช่น 1,234.50"),
    "decimal": gettext_noop("ตัวเลขทศนิยม"),
    "date": gettext_noop("วันที่ วว/ดด/ปปปป เป็น พ.ศ. หรือ ค.ศ. เช่น 20/03/2562"),
    "choice": gettext_noop("เลือกจากรายการ"),
    "multichoice": gettext_noop("เลือกได้หลายข้อ คั่นด้วยจุลภาค (,)"),
    "boolean": gettext_noop("ใช่ หรือ ไม่ใช่"),
    "national_id": gettext_noop("เลขประจำตัวประชาชน 13 หลัก (มีขีดหรือเว้นวรรคได้)"),
    "phone": gettext_noop("เบอร์โทรศัพท์ 9–10 หลัก ขึ้นต้นด้วย 0"),
    "orgunit": gettext_noop("รหัสพื้นที่ เช่น รหัสหมู่บ้าน 8 หลัก"),
    "subject": gettext_noop("เลขรหัสรายการในระบบ"),
}


def field_note(f: FieldDef, lang: str) -> str:
    """What a column takes: its type, unit, help and (for multichoice) the options."""
    parts = [_(TYPE_NOTES.get(f.type, ""))]
    unit = f.unit_en if lang == "en" else f.unit_th
    if unit:
        parts.append(_("หน่วย: %(unit)s") % {"unit": unit})
    if f.min is not None or f.max is not None:
        parts.append(_("ช่วงที่รับได้: %(min)s – %(max)s") % {"min": f.min or 0, "max": f.max or "∞"})
    if f.type == "multichoice":
        parts.append(", ".join(str(text_value(f, c.value, lang)) for c in f.choices))
    help_text = f.help_en if lang == "en" else f.help_th
    if help_text:
        parts.append(help_text)
    return "\n".join(p for p in parts if p)


def _write_help(workbook: Workbook, sheet: Worksheet, defn: DatasetDefinition, lang: str) -> None:
    bold = workbook.add_format({"bold": True, "bg_color": "#DCE8F0", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    headers = [_("ช่อง"), _("ต้องกรอก"), _("วิธีกรอก")]
    for col, text in enumerate(headers):
        sheet.write_string(0, col, text, bold)
    for row, f in enumerate(defn.fields, start=1):
        sheet.write_string(row, 0, f.label(lang), wrap)
        sheet.write_string(row, 1, _("ต้องกรอก") if f.required else "", wrap)
        options = ""
        if f.type == "choice":
            options = "\n" + ", ".join(str(text_value(f, c.value, lang)) for c in f.choices)
        sheet.write_string(row, 2, field_note(f, lang) + options, wrap)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 70)
