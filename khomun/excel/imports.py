"""Imports, all or nothing: check every row, then store every row in one transaction.

How rows are stored: the check phase reads the file once, preloads the unit's
subjects and the period's records in a few queries, validates every row with the
same `validate_values` as the form and reports every problem at once; only a file
without any problem reaches the store phase, inside ONE `transaction.atomic()` for
the whole file. Any error or crash there rolls everything back: a file is either
wholly stored or not at all. New records of a large file (`BULK_MIN_ROWS`) are
written by `records.bulk`, which runs the rules of `records.services.save_record`
(scope, lock, values, references, duplicates, history) once per distinct thing and
writes in batches; changes of existing records, and small files, go through
`save_record` row by row (about 10 queries and a Thai word segmentation a row).

Rows find what they update: the subject id column of the template first, then
the subject's national ID, then its name in its village (the same test as
`find_duplicate`), and the subject's record of the period if there is one. So a
file uploaded twice updates in place and duplicates nothing; rows whose values
did not change are left alone (no new version, no history noise).

Progress: `rows_checked` is saved as the check goes (outside any transaction);
while storing, the count lives in the cache because the job row cannot show
uncommitted work. On SQLite the store transaction holds the database's write
lock, so other writers wait; production runs PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition
from khomun.catalog.validation import Memo, ValidationResult, validate_values
from khomun.excel import reading
from khomun.excel.models import ImportJob, ImportState
from khomun.excel.reading import SUBJECT_COLUMN, FileRefused, Layout
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit, under_any
from khomun.records import bulk
from khomun.records.choices import RecordState
from khomun.records.models import Record, Subject
from khomun.records.services import (
    RecordError,
    compact_name,
    normalise_name,
    save_record,
)
from khomun.schedule.models import Period

log = logging.getLogger("khomun.excel")

MAX_REPORTED_ERRORS = 1000
PROGRESS_EVERY = 250  # rows stored one by one between progress updates
# Rows checked between saves of `rows_checked`: about ten a second, an UPDATE each.
CHECK_PROGRESS_EVERY = 1000
# From this many new records on, they are written in bulk (`records.bulk`): below it
# the per-row path costs under a second and stays the one the form uses.
BULK_MIN_ROWS = 50


class ImportRefused(Exception):
    """The import cannot start (scope aside): a Thai message for the form or the API."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class RowError:
    row: int | None
    col: int | None
    column: str
    field: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "col": self.col,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }


class ImportFailed(Exception):
    def __init__(self, message: str, errors: list[RowError] | None = None, total: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.total = total or len(self.errors)


# ---------------------------------------------------------------- starting


def definition_of(period: Period) -> DatasetDefinition:
    version = period.dataset.current
    if version is None:
        raise ImportRefused(_("ฐานข้อมูลนี้ยังไม่ได้ประกาศใช้"), "dataset")
    return version.parsed


def check_target(user: Any, period: Period, unit: OrgUnit, today: dt.date | None = None) -> None:
    """Scope first (404/403 from policy), then whether this unit records this period now."""
    policy.require_record(user, unit)
    defn = definition_of(period)
    if unit.level not in defn.levels:
        raise ImportRefused(
            _("%(unit)s ไม่ได้เป็นผู้บันทึกฐานข้อมูลนี้") % {"unit": unit.full_name}, "orgunit"
        )
    today = today or timezone.localdate()
    if period.is_locked(today):
        raise ImportRefused(_("งวดนี้ปิดรับข้อมูลแล้ว"), "period")


def start_import(
    user: Any, period: Period, unit: OrgUnit, file_name: str, content: bytes
) -> ImportJob:
    """Refuse at once what cannot be read; otherwise keep the file and queue the work."""
    check_target(user, period, unit)
    try:
        kind = reading.inspect_upload(file_name, content)
    except FileRefused as exc:
        raise ImportRefused(exc.message) from None
    job = ImportJob.objects.create(
        user=user,
        dataset=period.dataset,
        period=period,
        orgunit=unit,
        orgunit_path=unit.path,
        language=getattr(user, "language", "th") or "th",
        file_name=file_name[:255],
        file_kind=kind,
        file_size=len(content),
        content=content,
    )
    from khomun.excel.tasks import run_import  # tasks import this module

    run_import.delay(job.pk)
    job.refresh_from_db()
    return job


# ---------------------------------------------------------------- running


def run_job(job_id: int) -> None:
    """The background task's work. A job that already finished is left alone (a task
    redelivered after a restart); one that was interrupted starts again from the top,
    which is safe because nothing of it was stored."""
    job = ImportJob.objects.select_related("period__dataset__current", "orgunit", "user").get(
        pk=job_id
    )
    if job.state in (ImportState.DONE, ImportState.FAILED):
        return
    with translation.override(job.language), _no_cycle_collection():
        try:
            checker = check_file(job)
            store(job, checker)
        except ImportFailed as exc:
            _finish_failed(job, exc.message, exc.errors, exc.total)
        except (FileRefused, ImportRefused) as exc:
            _finish_failed(job, exc.message, [], 0)
        except Exception:
            log.exception("import %s crashed", job.pk)
            _finish_failed(job, _("ระบบขัดข้องระหว่างนำเข้า ไม่มีข้อมูลใดถูกบันทึก โปรดลองใหม่อีกครั้ง"), [], 0)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a file is checked and stored: a large file
    keeps hundreds of thousands of young objects alive (cells, cleaned values,
    subjects) that the collector walks again and again, a tenth to a fifth of the
    time of a 100,000-row import, although reference counting frees them all. The
    task runs one job at a time; the collector is back on (as it was) when it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _update(job: ImportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _finish_failed(job: ImportJob, message: str, errors: list[RowError], total: int) -> None:
    _update(
        job,
        state=ImportState.FAILED,
        message=message,
        errors=[e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]],
        error_count=max(total, len(errors)),
        rows_stored=0,
        rows_created=0,
        rows_updated=0,
        rows_unchanged=0,
        finished_at=timezone.now(),
    )
    cache.delete(stored_key(job.pk))


def stored_key(job_id: int) -> str:
    return f"excel:import:{job_id}:stored"


def live_rows_stored(job: ImportJob) -> int:
    """Rows stored so far: the cache while the transaction runs, the job row after."""
    if job.state == ImportState.STORING:
        return int(cache.get(stored_key(job.pk)) or 0)
    return job.rows_stored


# ---------------------------------------------------------------- the check


@dataclass
class Planned:
    row: int
    values: dict[str, Any]
    subject: Subject | None = None
    record: Record | None = None
    skip: bool = False  # a pre-filled subject left as it was: nothing to record
    # A new record's `validate_values` result (its values are the cleaned values).
    checked: ValidationResult | None = None

    @property
    def unchanged(self) -> bool:
        return self.skip or (self.record is not None and self.record.values == self.values)


@dataclass
class Place:
    """Where an area code lies: its path (for a village not made yet, the path it will have)."""

    code: str
    path: str | None


@dataclass
class Checker:
    """Checks rows one by one against the preloaded subjects and records."""

    job: ImportJob
    defn: DatasetDefinition
    layout: Layout
    today: dt.date
    plan: list[Planned] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    by_id: dict[int, Subject] = field(default_factory=dict)
    by_national_id: dict[str, Subject] = field(default_factory=dict)
    by_name: dict[tuple[str, str], Subject] = field(default_factory=dict)
    records: dict[int | None, Record] = field(default_factory=dict)
    seen: dict[Any, int] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    outside_ids: list[tuple[int, str]] = field(default_factory=list)
    memo: Memo = field(default_factory=dict)  # option and area cells already cleaned

    def __post_init__(self) -> None:
        unit = self.job.orgunit
        self.col_of = {key: col for col, key in self.layout.columns.items()}
        self.fields = {f.key: f for f in self.defn.fields}
        self.identity_fields = [f for f in self.defn.fields if f.identity]
        # (column, field key, field; None for the subject id column), in column order.
        self.read_columns = [
            (col, key, None if key == SUBJECT_COLUMN else self.fields[key])
            for col, key in self.layout.columns.items()
        ]
        if self.defn.subject is not None:
            subjects = Subject.objects.filter(
                kind=self.defn.subject.kind,
                orgunit_path__startswith=unit.path,
                merged_into__isnull=True,
            ).select_related("orgunit")
            for s in subjects:
                self.by_id[s.pk] = s
                if s.national_id:
                    self.by_national_id[s.national_id] = s
                self.by_name.setdefault((compact_name(s.name), s.orgunit.code), s)
        records = Record.objects.filter(period=self.job.period, orgunit_path__startswith=unit.path)
        for r in records:
            if r.subject_id is not None or r.orgunit_id == unit.pk:  # not another unit's own
                self.records[r.subject_id] = r

    # -- errors

    def error(self, row: int, key: str | None, message: str, cells: list[object]) -> None:
        col = self.col_of.get(key) if key else None
        value = reading.display(cells[col]) if col is not None and col < len(cells) else ""
        column = self.layout.header_of(col) if col is not None else ""
        self.errors.append(RowError(row, col, column, key or "", value, message))

    def store_error(self, row: int, key: str, message: str) -> RowError:
        col = self.col_of.get(key)
        column = self.layout.header_of(col) if col is not None else ""
        return RowError(row, col, column, key, "", message)

    # -- one row

    def check_row(self, row: int, cells: list[object]) -> None:
        before = len(self.errors)
        raw, subject_cell = self._raw(cells)
        result = validate_values(self.defn, raw, lang=self.job.language, memo=self.memo)
        for key, messages in result.errors.items():
            for message in messages:
                self.error(row, key, message, cells)
        cleaned = dict(result.cleaned)
        self._check_areas(row, cleaned, cells)
        if len(self.errors) > before:
            return
        if self.defn.subject is None:
            self._plan_unit_row(row, cleaned, cells, result)
        else:
            self._plan_subject_row(row, cleaned, cells, subject_cell, result)

    def _raw(self, cells: list[object]) -> tuple[dict[str, object], object]:
        raw: dict[str, object] = {}
        subject_cell: object = None
        width = len(cells)
        for col, key, f in self.read_columns:
            cell = cells[col] if col < width else None
            if f is None:
                subject_cell = cell
            else:
                raw[key] = reading.cell_value(f, cell)
        return raw, subject_cell

    def _place(self, code: str) -> Place:
        if code not in self.places:
            unit = OrgUnit.objects.filter(code=code).only("path").first()
            path = unit.path if unit is not None else None
            if unit is None and len(code) == 8:
                parent = OrgUnit.objects.filter(code=code[:6], level=Level.SUBDISTRICT).first()
                path = f"{parent.path}{code}/" if parent is not None else None
            self.places[code] = Place(code, path)
        return self.places[code]

    def _check_areas(self, row: int, cleaned: dict[str, Any], cells: list[object]) -> None:
        """Area codes must exist and lie within the unit (or above it, like a province)."""
        unit_path = self.job.orgunit.path
        for f in self.defn.fields:
            code = cleaned.get(f.key)
            if f.type != "orgunit" or not isinstance(code, str):
                continue
            path = self._place(code).path
            if path is None or not (path.startswith(unit_path) or unit_path.startswith(path)):
                message = _("ไม่พบพื้นที่รหัส %(code)s ในพื้นที่ของท่าน") % {"code": code}
                self.error(row, f.key, message, cells)

    def _place_code(self, cleaned: dict[str, Any]) -> str:
        """The unit a new subject will sit under, as `save_record` places it."""
        unit = self.job.orgunit
        for f in self.defn.fields:
            code = cleaned.get(f.key)
            if f.type == "orgunit" and isinstance(code, str):
                path = self._place(code).path or ""
                return code if path.startswith(unit.path) else unit.code
        return unit.code

    def _name(self, cleaned: dict[str, Any]) -> str:
        names = [
            str(cleaned.get(f.key, "")).strip()
            for f in self.identity_fields
            if f.type not in ("national_id", "orgunit")
        ]
        return normalise_name(" ".join(n for n in names if n))

    def _national_id(self, cleaned: dict[str, Any]) -> str:
        return next(
            (
                str(cleaned.get(f.key) or "")
                for f in self.identity_fields
                if f.type == "national_id"
            ),
            "",
        )

    def _find_subject(
        self, row: int, cleaned: dict[str, Any], cells: list[object], subject_cell: object
    ) -> tuple[Subject | None, Any]:
        """(existing subject or None, the key that makes the row unique in the file)."""
        if not reading._blank(subject_cell):
            number = reading.display(subject_cell).strip()
            subject = self.by_id.get(int(number)) if number.isdigit() else None
            if subject is None:
                message = _("ไม่พบรายการรหัส %(id)s ในพื้นที่นี้") % {"id": number}
                col = self.col_of.get(SUBJECT_COLUMN)
                column = self.layout.header_of(col) if col is not None else ""
                self.errors.append(RowError(row, col, column, "", number, message))
                return None, None
            return subject, subject.pk
        national_id = self._national_id(cleaned)
        if national_id and national_id in self.by_national_id:
            subject = self.by_national_id[national_id]
            return subject, subject.pk
        name = self._name(cleaned)
        if not name:
            first = self.identity_fields[0].key if self.identity_fields else None
            self.error(row, first, _("กรุณาระบุชื่อ"), cells)
            return None, None
        place = self._place_code(cleaned)
        subject = self.by_name.get((compact_name(name), place))
        if subject is not None:
            return subject, subject.pk
        if national_id:
            self.outside_ids.append((row, national_id))
        return None, ("new", national_id or (compact_name(name), place))

    def _plan_subject_row(
        self,
        row: int,
        cleaned: dict[str, Any],
        cells: list[object],
        subject_cell: object,
        result: ValidationResult,
    ) -> None:
        subject, key = self._find_subject(row, cleaned, cells, subject_cell)
        if key is None:
            return
        if key in self.seen:
            message = _("ซ้ำกับแถวที่ %(row)s ของไฟล์ (รายการเดียวกัน)") % {"row": self.seen[key]}
            first = self.identity_fields[0].key if self.identity_fields else None
            self.error(row, first, message, cells)
            return
        self.seen[key] = row
        record = None
        if subject is not None:
            period = self.job.period
            if not subject.is_active_during(period.start, period.end):
                message = _("รายการนี้ไม่ได้ดำเนินการในงวดนี้ (ยุบเลิกแล้วหรือยังไม่เริ่ม)")
                self.error(row, self.identity_fields[0].key, message, cells)
                return
            record = self.records.get(subject.pk)
        self._plan(row, cleaned, cells, subject, record, result)

    def _plan_unit_row(
        self, row: int, cleaned: dict[str, Any], cells: list[object], result: ValidationResult
    ) -> None:
        """A dataset without subjects has one record per unit: one data row."""
        if "unit" in self.seen:
            message = _("ฐานข้อมูลนี้บันทึกหน่วยงานละหนึ่งแถว (แถวที่ %(row)s บันทึกไว้แล้ว)") % {
                "row": self.seen["unit"]
            }
            self.errors.append(RowError(row, None, "", "", "", message))
            return
        self.seen["unit"] = row
        self._plan(row, cleaned, cells, None, self.records.get(None), result)

    def _plan(
        self,
        row: int,
        cleaned: dict[str, Any],
        cells: list[object],
        subject: Subject | None,
        record: Record | None,
        result: ValidationResult,
    ) -> None:
        if record is not None and record.state == RecordState.APPROVED:
            self.errors.append(RowError(row, None, "", "", "", _("ข้อมูลนี้ได้รับอนุมัติแล้ว แก้ไขไม่ได้")))
            return
        identity = {f.key for f in self.identity_fields}
        if subject is not None and record is None and set(cleaned) <= identity:
            self.plan.append(Planned(row, cleaned, subject, None, skip=True))
            return
        if record is None:
            self.plan.append(Planned(row, cleaned, subject, None, checked=result))
            return
        # Fields without a column in the file keep their values; columns present replace.
        kept = {k: v for k, v in record.values.items() if k not in self.col_of}
        self.plan.append(Planned(row, {**kept, **cleaned}, subject, record))

    def check_national_ids_elsewhere(self) -> None:
        """A national ID registered outside the unit: refused, as `create_subject` would."""
        if not self.outside_ids or self.defn.subject is None:
            return
        taken = set(
            Subject.objects.filter(
                kind=self.defn.subject.kind,
                national_id__in=[n for _row, n in self.outside_ids],
                merged_into__isnull=True,
            ).values_list("national_id", flat=True)
        )
        key = next((f.key for f in self.identity_fields if f.type == "national_id"), "")
        for row, national_id in self.outside_ids:
            if national_id in taken:
                message = _("เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้วในระบบ")
                col = self.col_of.get(key)
                column = self.layout.header_of(col) if col is not None else ""
                self.errors.append(RowError(row, col, column, key, national_id, message))


def check_file(job: ImportJob) -> Checker:
    """Read and check every row; ImportFailed with every problem, else the plan."""
    defn = definition_of(job.period)
    _update(job, state=ImportState.CHECKING, started_at=timezone.now())
    table = reading.read_table(job.file_kind, bytes(job.content or b""))
    layout = reading.locate_columns(table, defn)
    _check_marker(job, layout)
    _check_identity_columns(defn, layout)
    rows = table.rows[layout.header_row + 1 :]
    if not rows:
        raise ImportFailed(_("ไม่มีข้อมูลในไฟล์ (มีแต่แถวหัวตาราง)"))
    if len(rows) > reading.MAX_ROWS:
        raise FileRefused(reading.too_large_message())
    _update(job, rows_total=len(rows), rows_checked=0)
    checker = Checker(job, defn, layout, timezone.localdate())
    for index, (number, cells) in enumerate(rows, start=1):
        checker.check_row(number, cells)
        if index % CHECK_PROGRESS_EVERY == 0:
            _update(job, rows_checked=index)
    checker.check_national_ids_elsewhere()
    _update(job, rows_checked=len(rows))
    if checker.errors:
        checker.errors.sort(key=lambda e: (e.row or 0, e.col if e.col is not None else -1))
        raise ImportFailed(
            _("พบข้อผิดพลาด %(count)s รายการ จึงยังไม่ได้บันทึกข้อมูลใดเลย โปรดแก้ไขแล้วนำเข้าใหม่")
            % {"count": f"{len(checker.errors):,}"},
            checker.errors,
        )
    return checker


def _check_marker(job: ImportJob, layout: Layout) -> None:
    """A template names its dataset, year, period and unit: it cannot go elsewhere."""
    if layout.marker is None:
        return
    key, year, number, code = layout.marker
    expected = (job.dataset.key, job.dataset.fiscal_year, job.period.number, job.orgunit.code)
    if (key, year, number, code) != expected:
        raise ImportFailed(
            _(
                "ไฟล์นี้เป็นแบบฟอร์มของฐานข้อมูล %(key)s ปีงบประมาณ %(year)s งวดที่ %(period)s "
                "หน่วยงาน %(unit)s ไม่ตรงกับที่เลือกนำเข้า (%(key2)s ปีงบประมาณ %(year2)s "
                "งวดที่ %(period2)s หน่วยงาน %(unit2)s)"
            )
            % {
                "key": key,
                "year": year,
                "period": number,
                "unit": code,
                "key2": expected[0],
                "year2": expected[1],
                "period2": expected[2],
                "unit2": expected[3],
            }
        )


def _check_identity_columns(defn: DatasetDefinition, layout: Layout) -> None:
    if defn.subject is None:
        return
    present = set(layout.columns.values())
    identity = [f for f in defn.fields if f.identity and f.type != "orgunit"]
    if SUBJECT_COLUMN not in present and not any(f.key in present for f in identity):
        raise ImportFailed(
            _("ไม่พบช่อง “%(label)s” ในไฟล์ จึงไม่รู้ว่าแต่ละแถวเป็นรายการใด")
            % {"label": identity[0].label(translation.get_language() or "th") if identity else ""}
        )


# ---------------------------------------------------------------- the store


def store(job: ImportJob, checker: Checker) -> None:
    """Every planned row in one transaction; any error rolls all of them back.

    New records of a large file go through `records.bulk` (the same rules and history
    as `save_record`, written in batches); changed records, and every row of a small
    file, go through `save_record` itself."""
    plan = checker.plan
    _update(job, state=ImportState.STORING)
    cache.set(stored_key(job.pk), 0, 3600)
    today = timezone.localdate()
    changed = [item for item in plan if not item.unchanged]
    new = [item for item in changed if item.record is None]
    if checker.defn.subject is None or len(new) < BULK_MIN_ROWS:
        new = []
    in_bulk = {id(item) for item in new}
    one_by_one = [item for item in changed if id(item) not in in_bulk]
    unchanged = len(plan) - len(changed)
    created = sum(1 for item in changed if item.record is None)

    def progress(done: int) -> None:
        cache.set(stored_key(job.pk), unchanged + done, 3600)

    with transaction.atomic():
        try:
            bulk.create_records(
                job.user,
                job.period,
                job.orgunit,
                [bulk.NewRow(item.row, item.values, item.subject, item.checked) for item in new],
                today=today,
                progress=progress,
            )
        except bulk.BulkRowError as exc:
            raise _row_failed(checker, exc.row, exc.error) from None
        for index, item in enumerate(one_by_one, start=1):
            _store_row(job, checker, item, today)
            if index % PROGRESS_EVERY == 0:
                progress(len(new) + index)
    _update(
        job,
        state=ImportState.DONE,
        rows_stored=len(plan),
        rows_created=created,
        rows_updated=len(changed) - created,
        rows_unchanged=unchanged,
        content=None,  # every row is in the records now
        errors=[],
        error_count=0,
        message="",
        finished_at=timezone.now(),
    )
    cache.delete(stored_key(job.pk))


def _store_row(job: ImportJob, checker: Checker, item: Planned, today: dt.date) -> None:
    try:
        if item.record is not None:
            save_record(
                job.user,
                job.period,
                item.values,
                record=item.record,
                expected_version=item.record.version,
                today=today,
            )
        else:
            save_record(
                job.user,
                job.period,
                item.values,
                subject=item.subject,
                orgunit=job.orgunit,
                today=today,
            )
    except RecordError as exc:
        raise _row_failed(checker, item.row, exc) from None


def _row_failed(checker: Checker, row: int, exc: RecordError) -> ImportFailed:
    errors = [
        checker.store_error(row, key, message)
        for key, messages in exc.errors.items()
        for message in messages
    ] or [RowError(row, None, "", "", "", exc.message)]
    return ImportFailed(
        _("แถวที่ %(row)s บันทึกไม่ได้: %(message)s ไม่มีข้อมูลใดถูกบันทึก")
        % {"row": row, "message": exc.message},
        errors,
    )


# ---------------------------------------------------------------- reading jobs


def jobs_for(user: Any) -> Any:
    """Imports the user may follow: those of every unit in their scope (a province
    admin sees its districts'), newest first."""

    qs = ImportJob.objects.select_related("dataset", "period", "orgunit", "user")
    if getattr(user, "is_superuser", False):
        return qs
    paths = (a.orgunit.path for a in policy.assignments(user))
    return qs.filter(under_any("orgunit_path", paths))


def get_job_for_user(user: Any, job_id: int) -> ImportJob:
    """The scoping helper for imports: the job if the user may read its unit, else 404."""
    job = (
        ImportJob.objects.select_related("dataset", "period", "orgunit", "user")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        from django.http import Http404

        raise Http404
    policy.require_view(user, job.orgunit)
    return job


def percent_done(job: ImportJob) -> int:
    """Checking is the first half of the work, storing the second."""
    if job.state == ImportState.DONE:
        return 100
    if not job.rows_total:
        return 0
    stored = live_rows_stored(job)
    return min(99, int(50 * (job.rows_checked + stored) / job.rows_total))
