"""API v1: completeness, and approving or returning records (province scopes only).

Thin callers of `monitoring.completeness` and `monitoring.approval`: the org unit
and the record are found through `policy` (out of scope is 404), the services
decide the rest (a district user approving is 403, a wrong state 409).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from khomun.accounts import policy
from khomun.api.errors import ApiError
from khomun.api.records_endpoints import RecordOut, period_for_input, record_for_user, record_out
from khomun.monitoring import approval, completeness
from khomun.monitoring.completeness import Figures
from khomun.orgunits.models import OrgUnit

router = Router()


class UnitFigures(Schema):
    orgunit: str
    name_th: str
    name_en: str
    expected: int
    recorded: int
    complete: int
    submitted: int
    approved: int
    returned: int
    on_time: int
    late: int
    missing: int
    recorded_rate: float | None
    complete_rate: float | None
    submitted_rate: float | None
    approved_rate: float | None
    on_time_rate: float | None


class CompletenessOut(UnitFigures):
    dataset: str
    fiscal_year: int
    period: int
    children: list[UnitFigures]


class CompletenessQuery(Schema):
    dataset: str
    fiscal_year: int
    period: int
    orgunit: str | None = None


class ApproveIn(Schema):
    version: int | None = None


class ReturnIn(Schema):
    comment: str
    version: int | None = None


def unit_figures(unit: OrgUnit, figures: Figures) -> dict[str, Any]:
    return {
        "orgunit": unit.code,
        "name_th": unit.name_th,
        "name_en": unit.name_en,
        **figures.as_dict(),
    }


def _unit(request: HttpRequest, code: str | None) -> OrgUnit:
    if code:
        return policy.get_orgunit_for_user(request.user, code)
    unit = policy.primary_unit(request.user)
    if unit is None:
        raise ApiError(404, _("ไม่พบข้อมูล หรืออยู่นอกพื้นที่ของท่าน"))
    return unit


@router.get(
    "/completeness",
    response=CompletenessOut,
    summary="Expected, recorded, complete, submitted, approved, on time, late and missing "
    "records of one period under an org unit, with each child unit",
)
def completeness_of(request: HttpRequest, query: Query[CompletenessQuery]) -> CompletenessOut:
    unit = _unit(request, query.orgunit)  # scope first: an outsider learns nothing
    period = period_for_input(query.dataset, query.fiscal_year, query.period)
    result = completeness.for_period(period, unit)
    return CompletenessOut(
        dataset=period.dataset.key,
        fiscal_year=period.dataset.fiscal_year,
        period=period.number,
        children=[UnitFigures(**unit_figures(c, f)) for c, f in result.children],
        **unit_figures(unit, result.total),
    )


@router.post(
    "/records/{record_id}/approve",
    response=RecordOut,
    summary="Approve a submitted record (province admins; 409 in another state)",
)
def approve(request: HttpRequest, record_id: int, payload: ApproveIn | None = None) -> RecordOut:
    record = record_for_user(request.user, record_id)
    version = payload.version if payload is not None else None
    approval.approve_record(request.user, record, expected_version=version)
    return record_out(record_for_user(request.user, record_id))


@router.post(
    "/records/{record_id}/return",
    response=RecordOut,
    summary="Return a submitted or approved record to its recorder with a comment",
)
def return_(request: HttpRequest, record_id: int, payload: ReturnIn) -> RecordOut:
    record = record_for_user(request.user, record_id)
    approval.return_record(request.user, record, payload.comment, expected_version=payload.version)
    return record_out(record_for_user(request.user, record_id))
