"""Exports of records to CSV and .xlsx, streamed so that memory stays flat.

One dataset of one fiscal year, one period or all of them, under one org unit,
optionally in one state. A page asking for a large .xlsx (more than
BACKGROUND_ROWS records) gets it written by a background task instead, to
download when ready: an .xlsx cannot be sent before it is complete, and a
request that waits minutes would time out at the proxy.

CSV is UTF-8 with a BOM, so Excel opens Thai correctly. On PostgreSQL the database
writes its lines with COPY (`csv_copy`); elsewhere records are read as plain tuples
with `.iterator(chunk_size=...)` inside a transaction and go out in batches of rows,
each cell formatted by a function chosen once per column (`csv_row_writer`);
.xlsx is written by XlsxWriter in constant_memory mode to a temporary file (each
row is flushed as it is written) and that file is then sent in chunks. National IDs and
phone numbers are masked unless `personal.may_see_personal_data`; every export is
written to ExportLog first (who, what, when, whether personal data left unmasked)
and gets its row count when the file is complete.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from json import dumps
from typing import Any

import xlsxwriter
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition, FieldDef
from khomun.catalog.models import Dataset
from khomun.excel import csv_copy, personal
from khomun.excel.models import ExportLog, ExportStatus
from khomun.excel.values import as_date, lang_of, text_value
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.models import Record
from khomun.schedule.models import Period

CHUNK_ROWS = 2000
BACKGROUND_ROWS = 100_000
CSV_BATCH = 500
FILE_CHUNK = 64 * 1024
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ExportRefused(Exception):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class ExportRequest:
    dataset: Dataset
    defn: DatasetDefinition
    period: Period | None
    unit: OrgUnit
    state: str
    file_format: str

    @property
    def file_name(self) -> str:
        part = f"p{self.period.number}" if self.period else "all"
        return (
            f"{self.dataset.key}_{self.dataset.fiscal_year}_{part}_{self.unit.code}"
            f".{self.file_format}"
        )


def export_request(
    user: Any,
    *,
    dataset_key: str,
    fiscal_year: int,
    period: int | None = None,
    orgunit: str | None = None,
    state: str = "",
    file_format: str = "xlsx",
) -> ExportRequest:
    """Scope first (404 outside it), then the dataset, period, state and format."""
    unit = policy.get_orgunit_for_user(user, orgunit) if orgunit else policy.primary_unit(user)
    if unit is None:
        from django.http import Http404

        raise Http404
    dataset = (
        Dataset.objects.filter(fiscal_year=fiscal_year, key=dataset_key, current__isnull=False)
        .select_related("current")
        .first()
    )
    if dataset is None or dataset.current is None:
        message = _("ไม่มีฐานข้อมูล “%(key)s” ในปีงบประมาณ %(year)s") % {
            "key": dataset_key,
            "year": fiscal_year,
        }
        raise ExportRefused(message, "dataset")
    chosen = None
    if period is not None:
        chosen = dataset.periods.filter(number=period).first()
        if chosen is None:
            raise ExportRefused(_("ฐานข้อมูลนี้ไม่มีงวดที่ %(number)s") % {"number": period}, "period")
    if state and state not in RecordState.values:
        raise ExportRefused(_("ไม่มีสถานะ “%(state)s”") % {"state": state}, "state")
    if file_format not in FORMATS:
        raise ExportRefused(_("รูปแบบไฟล์ต้องเป็น csv หรือ xlsx"), "format")
    return ExportRequest(dataset, dataset.current.parsed, chosen, unit, state, file_format)


# What a row of an export reads of a record: plain tuples, not model instances (five
# models a row made a million-row export six times slower; docs/architecture.md).
ROW_COLUMNS = (
    "period__number",
    "orgunit_id",
    "orgunit_path",
    "subject_id",
    "subject__name",
    "subject__orgunit__code",
    "state",
    "complete",
    "updated_at",
    "values",
)
ExportRow = tuple[Any, ...]
OFFICE_LEVELS = (Level.COUNTRY, Level.PROVINCE, Level.DISTRICT)


def export_rows(records: QuerySet[Record]) -> Iterator[ExportRow]:
    """The rows of `records`, ROW_COLUMNS each."""
    # Inside a transaction: outside one, PostgreSQL's server-side cursor is
    # declared WITH HOLD and the whole result is materialised before the first
    # row (about 5 s of a million-row export).
    with transaction.atomic(using=records.db):
        yield from records.values_list(*ROW_COLUMNS).iterator(chunk_size=CHUNK_ROWS)


def records_of(req: ExportRequest) -> QuerySet[Record]:
    qs = Record.objects.filter(period__dataset=req.dataset, orgunit_path__startswith=req.unit.path)
    if req.period is not None:
        qs = qs.filter(period=req.period)
    if req.state:
        qs = qs.filter(state=req.state)
    return qs.order_by("period__number", "orgunit_path", "subject__name", "id")


# ---------------------------------------------------------------- rows


class RowMaker:
    """Turns records into rows of cells; knows where personal data may be shown."""

    def __init__(self, user: Any, req: ExportRequest, lang: str) -> None:
        self.req, self.lang = req, lang
        self.fields = list(req.defn.fields)
        self.personal = {f.key for f in personal.personal_fields(req.defn)}
        self.paths = policy.personal_data_paths(user)
        # Words that are the same on every row, in the export's language.
        self.state_labels = {value: str(label) for value, label in RecordState.choices}
        self.complete_words = {True: _("ใช่"), False: _("ไม่ใช่")}
        self.units: dict[int, tuple[str, str]] = {}

    def headers(self) -> list[str]:
        fixed = [
            _("ปีงบประมาณ"),
            _("งวดที่"),
            _("รหัสหน่วยงานที่บันทึก"),
            _("หน่วยงานที่บันทึก"),
            _("รหัสรายการ"),
            _("ชื่อรายการ"),
            _("รหัสพื้นที่ของรายการ"),
            _("สถานะ"),
            _("ครบถ้วน"),
            _("แก้ไขล่าสุด"),
        ]
        return fixed + [f.label(self.lang) for f in self.fields]

    def unmasked_possible(self) -> bool:
        """Would any personal value in this export be shown in full?"""
        if not self.personal:
            return False
        if self.paths is None:
            return True
        unit_path = self.req.unit.path
        return any(p.startswith(unit_path) or unit_path.startswith(p) for p in self.paths)

    def row(self, record: ExportRow) -> list[Any]:
        (period_number, unit_id, path, subject_id, subject_name, subject_code) = record[:6]
        state, complete, updated_at, values = record[6:]
        shown = personal.path_allowed(self.paths, path)
        code, name = self.unit(unit_id)
        fixed: list[Any] = [
            self.req.dataset.fiscal_year,
            period_number,
            code,
            name,
            subject_id,
            subject_name,
            subject_code,
            self.state_labels[state],
            self.complete_words[bool(complete)],
            timezone.localtime(updated_at).replace(tzinfo=None),
        ]
        return fixed + [self.value(f, values.get(f.key), shown) for f in self.fields]

    def unit(self, unit_id: int) -> tuple[str, str]:
        """(code, name) of a recording unit; the offices' units are read once."""
        if unit_id not in self.units:
            if not self.units:
                offices = OrgUnit.objects.filter(level__in=OFFICE_LEVELS)
                self.units = {u.pk: (u.code, u.name) for u in offices}
            if unit_id not in self.units:
                unit = OrgUnit.objects.get(pk=unit_id)
                self.units[unit_id] = (unit.code, unit.name)
        return self.units[unit_id]

    def value(self, f: FieldDef, value: Any, shown: bool) -> Any:
        if value is None or value == "":
            return None
        if f.key in self.personal and not shown:
            return personal.mask(value)
        if f.type == "date":
            return as_date(value) or value
        if f.type == "money":
            return Decimal(str(value))  # "1234.50" stays exact in CSV
        return text_value(f, value, self.lang)


# ---------------------------------------------------------------- CSV


def _csv_text(value: Any) -> str:
    if type(value) is str:  # most cells: first
        return value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, list | dict):  # a stored value of another type: as JSON
        return dumps(value, ensure_ascii=False)
    return str(value)


Formatter = Callable[[Any], str]


def _remembered(make: Formatter) -> Formatter:
    """`make` for a field whose values repeat (choices, yes/no): each value worked out once."""
    texts: dict[str, str] = {}  # the usual case, looked up without building a key
    others: dict[tuple[type, Any], str] = {}

    def text(value: Any) -> str:
        if type(value) is str:
            found = texts.get(value)
            if found is None:
                found = texts[value] = make(value)
            return found
        try:
            key = (type(value), tuple(value) if type(value) is list else value)
            return others[key]
        except KeyError:
            others[key] = result = make(value)
            return result
        except TypeError:  # unhashable: not worth remembering
            return make(value)

    return text


def _csv_formatter(maker: RowMaker, f: FieldDef, masked: bool) -> Formatter:
    """The CSV text of one field's non-empty value, the same as
    `_csv_text(maker.value(f, value, shown))` but decided once per field."""
    if masked and f.key in maker.personal:
        return personal.mask
    if f.type == "date":

        def date(value: Any) -> str:
            return _csv_text(as_date(value) or value)

        return date
    if f.type == "money":

        def money(value: Any) -> str:
            # Decimal: "1234.50" stays exact in CSV
            return str(Decimal(value)) if type(value) is str else _csv_text(Decimal(str(value)))

        return money
    lang = maker.lang

    def shown(value: Any) -> str:
        return _csv_text(text_value(f, value, lang))

    if f.type in ("choice", "multichoice", "boolean"):
        return _remembered(shown)
    if f.type in ("integer", "decimal"):
        return shown

    def text(value: Any) -> str:  # text_value keeps any other string as it is
        return value if type(value) is str else shown(value)

    return text


MINUTE = "%Y-%m-%d %H:%M"


def csv_row_writer(maker: RowMaker) -> Callable[[ExportRow], list[str]]:
    """A function turning a record into its CSV cells: the same text as formatting
    `maker.row(record)` cell by cell, a few times faster (a million rows a year)."""
    shown_cells = [(f.key, _csv_formatter(maker, f, False)) for f in maker.fields]
    masked_cells = [(f.key, _csv_formatter(maker, f, True)) for f in maker.fields]
    paths, has_personal = maker.paths, bool(maker.personal)
    year = _csv_text(maker.req.dataset.fiscal_year)
    zone = timezone.get_current_timezone()
    states = {value: _csv_text(label) for value, label in maker.state_labels.items()}
    complete_words = {key: _csv_text(word) for key, word in maker.complete_words.items()}
    units: dict[int, tuple[str, str]] = {}

    def cells(record: ExportRow) -> list[str]:
        (period_number, unit_id, path, subject_id, subject_name, subject_code) = record[:6]
        state, complete, updated_at, values = record[6:]
        if unit_id not in units:
            code, name = maker.unit(unit_id)
            units[unit_id] = (_csv_text(code), _csv_text(name))
        shown = not has_personal or personal.path_allowed(paths, path)
        get = values.get
        # str() of the ints and strings below is what _csv_text gives them.
        return [
            year,
            str(period_number),
            *units[unit_id],
            "" if subject_id is None else str(subject_id),
            "" if subject_name is None else str(subject_name),
            "" if subject_code is None else str(subject_code),
            states[state],
            complete_words[bool(complete)],
            updated_at.astimezone(zone).strftime(MINUTE),
            *[
                "" if (value := get(key)) is None or value == "" else text(value)
                for key, text in (shown_cells if shown else masked_cells)
            ],
        ]

    return cells


def stream_csv(maker: RowMaker, records: QuerySet[Record], log: ExportLog) -> Iterator[bytes]:
    """UTF-8 with a BOM, lines ending in LF (as PostgreSQL's COPY writes them); on
    PostgreSQL the database formats the rows (`csv_copy`), elsewhere `csv_row_writer`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(maker.headers())
    yield "\ufeff".encode() + buffer.getvalue().encode()
    count = csv_copy.RowCount()
    make_lines = (
        csv_copy.copy_lines if connections[records.db].vendor == "postgresql" else csv_lines
    )
    yield from make_lines(maker, records, count)
    ExportLog.objects.filter(pk=log.pk).update(rows=count.rows)


def csv_lines(
    maker: RowMaker, records: QuerySet[Record], count: csv_copy.RowCount
) -> Iterator[bytes]:
    """The CSV lines formatted in Python, in batches of CSV_BATCH rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    cells = csv_row_writer(maker)
    for record in export_rows(records):
        writer.writerow(cells(record))
        count.rows += 1
        if count.rows % CSV_BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


# ---------------------------------------------------------------- xlsx


def write_xlsx(maker: RowMaker, records: QuerySet[Record], path: str) -> int:
    """Write the workbook to `path` row by row (constant memory); the number of rows."""
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "tmpdir": os.path.dirname(path), "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet(_("ข้อมูล"))
    head = workbook.add_format({"bold": True, "bg_color": "#DCE8F0", "text_wrap": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    moment_format = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    money = workbook.add_format({"num_format": "#,##0.00"})
    money_cols = {10 + i for i, f in enumerate(maker.fields) if f.type == "money"}
    headers = maker.headers()
    sheet.write_row(0, 0, headers, head)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, record in enumerate(export_rows(records), start=1):
        for col, value in enumerate(maker.row(record)):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(count, col, value, moment_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(count, col, value, date_format)
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                sheet.write_number(count, col, float(value), money if col in money_cols else None)
            else:
                sheet.write_string(count, col, str(value))
    sheet.autofilter(0, 0, count, len(headers) - 1)
    workbook.close()
    return count


def stream_xlsx(maker: RowMaker, records: QuerySet[Record], log: ExportLog) -> Iterator[bytes]:
    with tempfile.TemporaryDirectory(prefix="khomun-export-") as folder:
        path = os.path.join(folder, "export.xlsx")
        count = write_xlsx(maker, records, path)
        ExportLog.objects.filter(pk=log.pk).update(rows=count)
        with open(path, "rb") as handle:
            while chunk := handle.read(FILE_CHUNK):
                yield chunk


# ---------------------------------------------------------------- the response


def log_export(
    user: Any,
    req: ExportRequest,
    maker: RowMaker,
    *,
    via_api: bool,
    status: str = ExportStatus.STREAMED,
) -> ExportLog:
    return ExportLog.objects.create(
        status=status,
        user=user if getattr(user, "pk", None) else None,
        dataset_key=req.dataset.key,
        fiscal_year=req.dataset.fiscal_year,
        period_number=req.period.number if req.period else None,
        orgunit_code=req.unit.code,
        orgunit_path=req.unit.path,
        state=req.state,
        file_format=req.file_format,
        via_api=via_api,
        personal_fields=sorted(maker.personal),
        unmasked=maker.unmasked_possible(),
    )


def _in_language(lang: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Keep the user's language while the body is produced (after the view returned)."""
    with translation.override(lang):
        yield from chunks


def export_response(
    user: Any, req: ExportRequest, *, via_api: bool = False
) -> StreamingHttpResponse:
    lang = lang_of(getattr(user, "language", None) or translation.get_language())
    with translation.override(lang):
        maker = RowMaker(user, req, lang)
    log = log_export(user, req, maker, via_api=via_api)
    stream = stream_csv if req.file_format == "csv" else stream_xlsx
    body = _in_language(lang, stream(maker, records_of(req), log))
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[req.file_format])
    response["Content-Disposition"] = f'attachment; filename="{req.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- in the background


def runs_in_background(req: ExportRequest) -> bool:
    return req.file_format == "xlsx" and records_of(req).count() > BACKGROUND_ROWS


def queue_export(user: Any, req: ExportRequest) -> ExportLog:
    lang = lang_of(getattr(user, "language", None) or translation.get_language())
    with translation.override(lang):
        maker = RowMaker(user, req, lang)
    log = log_export(user, req, maker, via_api=False, status=ExportStatus.QUEUED)
    from khomun.excel.tasks import run_export  # tasks import this module

    run_export.delay(log.pk)
    log.refresh_from_db()
    return log


def run_export_job(log_id: int) -> None:
    """Write a queued export into storage. Scope is asked again: roles may have changed."""
    from django.core.files import File
    from django.core.files.storage import default_storage

    log = ExportLog.objects.select_related("user").get(pk=log_id)
    if log.status != ExportStatus.QUEUED or log.user is None:
        return
    lang = lang_of(log.user.language)
    try:
        with translation.override(lang):
            req = export_request(
                log.user,
                dataset_key=log.dataset_key,
                fiscal_year=log.fiscal_year,
                period=log.period_number,
                orgunit=log.orgunit_code,
                state=log.state,
                file_format="xlsx",
            )
            maker = RowMaker(log.user, req, lang)
            with tempfile.TemporaryDirectory(prefix="khomun-export-") as folder:
                path = os.path.join(folder, "export.xlsx")
                count = write_xlsx(maker, records_of(req), path)
                with open(path, "rb") as handle:
                    name = default_storage.save(
                        f"exports/{log.pk}-{os.urandom(8).hex()}.xlsx", File(handle)
                    )
    except Exception:
        import logging

        logging.getLogger("khomun.excel").exception("export %s failed", log.pk)
        ExportLog.objects.filter(pk=log.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        return
    ExportLog.objects.filter(pk=log.pk).update(
        status=ExportStatus.READY, stored_file=name, rows=count, finished_at=timezone.now()
    )


def get_export_for_user(user: Any, log_id: int) -> ExportLog:
    """A background export is its requester's alone: anyone else gets 404."""
    from django.http import Http404

    user_id: int = getattr(user, "pk", None) or 0
    log = ExportLog.objects.filter(pk=log_id, user_id=user_id).first()
    if log is None or log.status == ExportStatus.STREAMED:
        raise Http404
    return log
