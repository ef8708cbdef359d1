"""API v1: subjects and records.

Thin callers of `records.services`: they find the objects the caller may see
(out of scope is 404), hand the rest to the services, and turn the services'
errors into the one error shape (`api/errors.py`). Lists are scoped by the org
paths of the caller's roles, filtered, and paged like /orgunits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from khomun.accounts import policy
from khomun.api.errors import ApiError
from khomun.catalog.models import Dataset
from khomun.lib import refcache
from khomun.lib.prepared import Prepared
from khomun.orgunits.models import OrgUnit, under_any
from khomun.records.models import Record, Subject
from khomun.records.services import (
    create_subject,
    save_record,
    search_subjects,
    subject_area,
    subject_kinds,
    submit_record,
)
from khomun.schedule.models import Period

router = Router()

StateName = Literal["draft", "submitted", "approved", "returned"]
MAX_LIMIT = 1000


# ---------------------------------------------------------------- schemas


class SubjectOut(Schema):
    id: int
    kind: str
    name: str
    orgunit: str
    national_id: str
    attributes: dict[str, Any]
    active_from: dt.date | None
    dissolved_on: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class SubjectPage(Schema):
    items: list[SubjectOut]
    count: int


class SubjectFilter(Schema):
    kind: str | None = None
    orgunit: str | None = None
    q: str | None = None
    limit: int = 100
    offset: int = 0


class SubjectIn(Schema):
    kind: str
    orgunit: str
    name: str
    national_id: str = ""
    attributes: dict[str, Any] = {}
    active_from: dt.date | None = None
    confirm_duplicate: bool = False


class RecordOut(Schema):
    id: int
    dataset: str
    fiscal_year: int
    period: int
    orgunit: str
    subject: int | None
    values: dict[str, Any]
    state: str
    complete: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    return_comment: str


class RecordPage(Schema):
    items: list[RecordOut]
    count: int


class RecordFilter(Schema):
    dataset: str | None = None
    fiscal_year: int | None = None
    period: int | None = None
    orgunit: str | None = None
    state: StateName | None = None
    subject: int | None = None
    limit: int = 100
    offset: int = 0


class RecordIn(Schema):
    dataset: str
    fiscal_year: int
    period: int
    orgunit: str | None = None
    subject: int | None = None
    values: dict[str, Any] = {}
    confirm_duplicate: bool = False


class RecordPatch(Schema):
    values: dict[str, Any] = {}
    version: int | None = None
    # Accepted so a client can send the record back as it read it; they cannot change.
    dataset: str | None = None
    fiscal_year: int | None = None
    period: int | None = None
    orgunit: str | None = None
    subject: int | None = None


class SubmitIn(Schema):
    version: int | None = None


# ---------------------------------------------------------------- helpers


def check_paging(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        text = _("ต้องอยู่ระหว่าง 1 ถึง %(max)s") % {"max": MAX_LIMIT}
        raise ApiError(400, f"limit {text}", {"limit": [text]})
    if offset < 0:
        raise ApiError(400, _("offset ต้องไม่ติดลบ"), {"offset": [_("ต้องไม่ติดลบ")]})


def in_scope(user: Any, qs: QuerySet[Any], unit: OrgUnit | None = None) -> QuerySet[Any]:
    """Rows (with an `orgunit_path`) under `unit`, or under any of the user's roles."""
    if unit is not None:
        return qs.filter(orgunit_path__startswith=unit.path)
    if getattr(user, "is_superuser", False):
        return qs
    paths = (a.orgunit.path for a in policy.assignments(user))
    return qs.filter(under_any("orgunit_path", paths))


def bad_input(field: str, text: str) -> ApiError:
    return ApiError(400, text, {field: [text]})


# A save's one-row reads, their SQL built once per process (lib.prepared).
_live_subject = Prepared(
    lambda pk: (
        Subject.objects.filter(pk=pk, merged_into__isnull=True)
        .select_related("orgunit")
        .order_by()[:1]
    )
)
_record_to_save = Prepared(
    lambda pk: (
        Record.objects.filter(pk=pk)
        # The subject's own area too: a save checks the village its values name.
        .select_related("period__dataset", "orgunit", "subject__orgunit", "dataset_version")
        # The definition's JSON is read only when this process has not parsed it yet.
        .defer("dataset_version__definition")
        # One row by its id: no sort over the joined tables.
        .order_by()[:1]
    )
)


def subject_for_user(user: Any, subject_id: int) -> Subject:
    subject = _live_subject.first(subject_id)
    if subject is None:
        raise Http404
    policy.require_view(user, subject.orgunit)
    return subject


def record_for_user(user: Any, record_id: int) -> Record:
    record = _record_to_save.first(record_id)
    if record is None:
        raise Http404
    policy.require_view(user, record.orgunit)
    return record


def subject_out(subject: Subject) -> SubjectOut:
    return SubjectOut(
        id=subject.pk,
        kind=subject.kind,
        name=subject.name,
        orgunit=subject.orgunit.code,
        national_id=subject.national_id,
        attributes=subject.attributes,
        active_from=subject.active_from,
        dissolved_on=subject.dissolved_on,
        created_at=subject.created_at,
        updated_at=subject.updated_at,
    )


def record_out(record: Record) -> RecordOut:
    return RecordOut(
        id=record.pk,
        dataset=record.period.dataset.key,
        fiscal_year=record.period.dataset.fiscal_year,
        period=record.period.number,
        orgunit=record.orgunit.code,
        subject=record.subject_id,
        values=record.values,
        state=record.state,
        complete=record.complete,
        version=record.version,
        created_at=record.created_at,
        updated_at=record.updated_at,
        submitted_at=record.submitted_at,
        return_comment=record.return_comment,
    )


# ---------------------------------------------------------------- subjects


@router.get("/subjects", response=SubjectPage, summary="Subjects in the caller's scope")
def subjects(request: HttpRequest, filters: Query[SubjectFilter]) -> SubjectPage:
    check_paging(filters.limit, filters.offset)
    unit = policy.get_orgunit_for_user(request.user, filters.orgunit) if filters.orgunit else None
    qs = search_subjects(request.user, filters.q or "", kind=filters.kind or "", under=unit)
    total = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return SubjectPage(items=[subject_out(s) for s in page], count=total)


def subject_unit(user: Any, code: str) -> OrgUnit:
    """The area a new subject sits under: out of scope (or unknown) is 404 here, before
    `subject_area` checks the level and makes a new village."""
    known = OrgUnit.objects.filter(code=code).exists()
    policy.get_orgunit_for_user(user, code if known or len(code) != 8 else code[:6])
    return subject_area(user, code)


@router.post("/subjects", response={201: SubjectOut}, summary="Register a subject")
def add_subject(request: HttpRequest, payload: SubjectIn) -> Status[SubjectOut]:
    if payload.kind not in subject_kinds():
        raise bad_input("kind", _("ไม่มีประเภทรายการ “%(kind)s”") % {"kind": payload.kind})
    with transaction.atomic():  # a village made here goes away if the subject is refused
        subject = create_subject(
            request.user,
            kind=payload.kind,
            orgunit=subject_unit(request.user, payload.orgunit),
            name=payload.name,
            national_id=payload.national_id,
            attributes=payload.attributes,
            active_from=payload.active_from,
            confirm_duplicate=payload.confirm_duplicate,
        )
    return Status(201, subject_out(subject))


# ---------------------------------------------------------------- records


@router.get("/records", response=RecordPage, summary="Records in the caller's scope")
def records(request: HttpRequest, filters: Query[RecordFilter]) -> RecordPage:
    check_paging(filters.limit, filters.offset)
    unit = policy.get_orgunit_for_user(request.user, filters.orgunit) if filters.orgunit else None
    qs = in_scope(request.user, Record.objects.all(), unit)
    conditions = {
        "period__dataset__key": filters.dataset,
        "period__dataset__fiscal_year": filters.fiscal_year,
        "period__number": filters.period,
        "state": filters.state,
        "subject_id": filters.subject,
    }
    qs = qs.filter(**{k: v for k, v in conditions.items() if v is not None})
    qs = qs.select_related("period__dataset", "orgunit").order_by("-updated_at", "-id")
    total = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return RecordPage(items=[record_out(r) for r in page], count=total)


@router.get("/records/{record_id}", response=RecordOut, summary="One record")
def record_detail(request: HttpRequest, record_id: int) -> RecordOut:
    return record_out(record_for_user(request.user, record_id))


def period_for_input(key: str, fiscal_year: int, number: int) -> Period:
    """The period, its dataset and the dataset's current version (a save needs all
    three), kept by the process (refcache); which one is missing is asked only when one is."""
    period = refcache.lookup(
        ("period_for_input", key, fiscal_year, number),
        lambda: (
            Period.objects.select_related("dataset__current")
            # The definition's JSON is read only when this process has not parsed it yet.
            .defer("dataset__current__definition")
            .filter(
                dataset__fiscal_year=fiscal_year,
                dataset__key=key,
                dataset__current__isnull=False,
                number=number,
            )
            .first()
        ),
    )
    if period is not None:
        return period
    if not Dataset.objects.filter(fiscal_year=fiscal_year, key=key, current__isnull=False).exists():
        text = _("ไม่มีฐานข้อมูล “%(key)s” ในปีงบประมาณ %(year)s") % {"key": key, "year": fiscal_year}
        raise bad_input("dataset", text)
    raise bad_input("period", _("ฐานข้อมูลนี้ไม่มีงวดที่ %(number)s") % {"number": number})


@router.post("/records", response={201: RecordOut}, summary="Enter a record (a draft)")
def add_record(request: HttpRequest, payload: RecordIn) -> Status[RecordOut]:
    user = request.user
    # Scope first: an outsider learns nothing, not even whether the rest is valid.
    subject = subject_for_user(user, payload.subject) if payload.subject else None
    unit = policy.get_orgunit_for_user(user, payload.orgunit) if payload.orgunit else None
    if unit is not None:
        policy.require_record(user, unit)
    period = period_for_input(payload.dataset, payload.fiscal_year, payload.period)
    record = save_record(
        user,
        period,
        payload.values,
        subject=subject,
        orgunit=unit,
        confirm_duplicate=payload.confirm_duplicate,
    )
    return Status(201, record_out(record))  # as saved: its period and unit are loaded


def check_unchanged(record: Record, payload: RecordPatch) -> None:
    """A record stays in its dataset, period, org unit and subject."""
    current = {
        "dataset": record.period.dataset.key,
        "fiscal_year": record.period.dataset.fiscal_year,
        "period": record.period.number,
        "orgunit": record.orgunit.code,
        "subject": record.subject_id,
    }
    labels = {
        "dataset": _("ฐานข้อมูล"),
        "fiscal_year": _("ปีงบประมาณ"),
        "period": _("งวด"),
        "orgunit": _("หน่วยงานที่รายงาน"),
        "subject": _("รายการ"),
    }
    for name, value in current.items():
        asked = getattr(payload, name)
        if asked is not None and asked != value:
            text = _("เปลี่ยน%(label)sของข้อมูลที่บันทึกแล้วไม่ได้") % {"label": labels[name]}
            raise bad_input(name, text)


@router.patch(
    "/records/{record_id}",
    response=RecordOut,
    summary="Change a record's values; send the version you read (409 if someone saved since)",
)
def change_record(request: HttpRequest, record_id: int, payload: RecordPatch) -> RecordOut:
    record = record_for_user(request.user, record_id)
    check_unchanged(record, payload)
    values = {**record.values, **payload.values}  # PATCH: keys not sent are kept
    saved = save_record(
        request.user, record.period, values, record=record, expected_version=payload.version
    )
    return record_out(saved)  # as saved: its period and unit still loaded


@router.post(
    "/records/{record_id}/submit",
    response=RecordOut,
    summary="Submit a record: every required field valid",
)
def submit(request: HttpRequest, record_id: int, payload: SubmitIn | None = None) -> RecordOut:
    record = record_for_user(request.user, record_id)
    version = payload.version if payload is not None else None
    submit_record(request.user, record, expected_version=version)
    return record_out(record_for_user(request.user, record_id))
