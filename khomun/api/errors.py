"""One error shape for the whole API:

    {"message": "...", "field": "FIELD" | null, "errors": {"FIELD": ["message", ...]}}

`field` names the first bad input and `errors` all of them; both are empty for
errors that are not about input (401, 403, 404, 500). A refused duplicate subject
(409) also carries `existing: {id, name, orgunit}` when the caller may see it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from khomun.catalog.services import CatalogError
from khomun.records.services import DuplicateSubject, RecordError
from khomun.schedule.services import ScheduleError


class ErrorOut(Schema):
    message: str
    field: str | None = None
    errors: dict[str, list[str]] = {}


class ApiError(Exception):
    """Raised by endpoints and services for a refused request."""

    def __init__(self, status: int, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or {}


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    message: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    errors = errors or {}
    field = next(iter(errors), None)
    body = {"message": message, "field": field, "errors": errors}
    return api.create_response(request, body, status=status)


def duplicate_response(api: NinjaAPI, request: HttpRequest, exc: DuplicateSubject) -> HttpResponse:
    """The one error shape plus the subject that already exists, so the caller can use it."""
    existing = exc.existing
    body: dict[str, object] = {
        "message": exc.message,
        "field": next(iter(exc.errors), None),
        "errors": exc.errors,
    }
    # Only a caller who may see the existing subject learns who and where it is (PDPA).
    if exc.visible:
        body["existing"] = {
            "id": existing.pk,
            "name": existing.name,
            "orgunit": existing.orgunit.code,
        }
    return api.create_response(request, body, status=exc.status)


def _validation_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [
            str(p)
            for p in item.get("loc", [])
            if p not in ("body", "query", "path", "payload", "form")
        ]
        field = ".".join(loc) or "request"
        if item.get("type") == "missing":
            text = _("กรุณาระบุ %(field)s") % {"field": field}
        else:
            text = _("ค่าของ %(field)s ไม่ถูกต้อง: %(detail)s") % {
                "field": field,
                "detail": item.get("msg", ""),
            }
        errors.setdefault(field, []).append(text)
    return errors


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every failure into the one error shape."""

    @api.exception_handler(NinjaValidationError)
    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _validation_errors(exc)
        return error_response(api, request, 400, _("ข้อมูลที่ส่งมาไม่ถูกต้อง"), errors)

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.message, exc.errors)

    @api.exception_handler(RecordError)
    def on_record_error(request: HttpRequest, exc: RecordError) -> HttpResponse:
        if isinstance(exc, DuplicateSubject) and exc.visible:
            return duplicate_response(api, request, exc)
        return error_response(api, request, exc.status, exc.message, exc.errors)

    @api.exception_handler(CatalogError)
    def on_catalog_error(request: HttpRequest, exc: CatalogError) -> HttpResponse:
        return error_response(api, request, 400, str(exc))

    @api.exception_handler(ScheduleError)
    def on_schedule_error(request: HttpRequest, exc: ScheduleError) -> HttpResponse:
        errors = {exc.field: [exc.message]} if exc.field else {}
        return error_response(api, request, 400, exc.message, errors)

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            401,
            _("ต้องยืนยันตัวตนด้วยโทเค็น: ส่งส่วนหัว Authorization: Bearer <โทเค็น>"),
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 404, _("ไม่พบข้อมูล หรืออยู่นอกพื้นที่ของท่าน"))

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 403, _("ท่านไม่มีสิทธิ์ทำรายการนี้"))

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, str(exc))

    @api.exception_handler(Exception)
    def on_crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        import logging

        logging.getLogger("khomun.api").exception("API error", exc_info=exc)
        return error_response(api, request, 500, _("ระบบขัดข้อง โปรดลองใหม่อีกครั้ง"))
