"""API v1: imports of spreadsheet files and streamed exports.

Thin callers of `khomun.excel`: scope first (out of scope is 404, read-only roles
get 403 on imports), then the file, then the work in the background task.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from khomun.accounts import policy
from khomun.api.errors import ApiError
from khomun.catalog.models import Dataset
from khomun.excel import exports, imports
from khomun.excel.models import ImportJob
from khomun.excel.reading import MAX_FILE_BYTES, too_large_message
from khomun.schedule.models import Period

router = Router(tags=["excel"])


class ImportCreated(Schema):
    id: int
    state: str


class ImportErrorOut(Schema):
    row: int | None
    column: str
    field: str
    value: str
    message: str


class ImportOut(Schema):
    id: int
    state: str
    dataset: str
    fiscal_year: int
    period: int
    orgunit: str
    file_name: str
    rows_total: int
    rows_checked: int
    rows_stored: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    message: str
    error_count: int
    errors: list[ImportErrorOut]


class ExportQuery(Schema):
    dataset: str
    fiscal_year: int
    period: int | None = None
    orgunit: str | None = None
    state: Literal["draft", "submitted", "approved", "returned"] | None = None
    format: Literal["csv", "xlsx"] = "xlsx"


def _period(key: str, fiscal_year: int, number: int) -> Period:
    dataset = Dataset.objects.filter(
        fiscal_year=fiscal_year, key=key, current__isnull=False
    ).first()
    if dataset is None:
        message = _("ไม่มีฐานข้อมูล “%(key)s” ในปีงบประมาณ %(year)s") % {"key": key, "year": fiscal_year}
        raise ApiError(400, message, {"dataset": [message]})
    period = dataset.periods.select_related("dataset__current").filter(number=number).first()
    if period is None:
        message = _("ฐานข้อมูลนี้ไม่มีงวดที่ %(number)s") % {"number": number}
        raise ApiError(400, message, {"period": [message]})
    return period


def import_out(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "state": job.state,
        "dataset": job.dataset.key,
        "fiscal_year": job.dataset.fiscal_year,
        "period": job.period.number,
        "orgunit": job.orgunit.code,
        "file_name": job.file_name,
        "rows_total": job.rows_total,
        "rows_checked": job.rows_checked,
        "rows_stored": imports.live_rows_stored(job),
        "rows_created": job.rows_created,
        "rows_updated": job.rows_updated,
        "rows_unchanged": job.rows_unchanged,
        "message": job.message,
        "error_count": job.error_count,
        "errors": [
            {
                "row": e.get("row"),
                "column": e.get("column") or "",
                "field": e.get("field") or "",
                "value": e.get("value") or "",
                "message": e["message"],
            }
            for e in job.errors
        ],
    }


@router.post("/imports", response={201: ImportCreated}, summary="Import an .xlsx or CSV file")
def create_import(
    request: HttpRequest,
    file: File[UploadedFile],
    dataset: Form[str],
    fiscal_year: Form[int],
    period: Form[int],
    orgunit: Form[str],
) -> Status[ImportCreated]:
    """Checks every row, then stores all of them or none, in the background: poll
    `GET /imports/{id}` until `state` is `done` or `failed`."""
    unit = policy.get_orgunit_for_user(request.user, orgunit)  # scope first
    policy.require_record(request.user, unit)
    chosen = _period(dataset, fiscal_year, period)
    if (file.size or 0) > MAX_FILE_BYTES:
        raise ApiError(413, too_large_message(), {"file": [too_large_message()]})
    try:
        job = imports.start_import(request.user, chosen, unit, file.name or "upload", file.read())
    except imports.ImportRefused as exc:
        raise ApiError(400, exc.message, {exc.field: [exc.message]}) from None
    return Status(201, ImportCreated(id=job.pk, state=job.state))


@router.get("/imports/{import_id}", response=ImportOut, summary="An import's progress and errors")
def import_detail(request: HttpRequest, import_id: int) -> dict[str, Any]:
    return import_out(imports.get_job_for_user(request.user, import_id))


@router.get(
    "/exports",
    summary="Stream records as CSV (UTF-8 with BOM) or .xlsx",
    response={200: None},
)
def export(request: HttpRequest, query: Query[ExportQuery]) -> StreamingHttpResponse:
    """National IDs and phone numbers are masked unless the caller's role may see
    them; every export is logged."""
    try:
        req = exports.export_request(
            request.user,
            dataset_key=query.dataset,
            fiscal_year=query.fiscal_year,
            period=query.period,
            orgunit=query.orgunit,
            state=query.state or "",
            file_format=query.format,
        )
    except exports.ExportRefused as exc:
        raise ApiError(400, exc.message, {exc.field: [exc.message]}) from None
    return exports.export_response(request.user, req, via_api=True)
