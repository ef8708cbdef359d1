"""API v1: the catalog of a fiscal year (datasets and their fields) and its periods.

The catalog is the same for everyone; only a period's due date depends on the
caller's org unit (a province may set an earlier deadline for its districts).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition, FieldDef
from khomun.catalog.models import Dataset
from khomun.lib.thaidate import fiscal_year as fiscal_year_of
from khomun.schedule.models import Period
from khomun.schedule.services import due_for, province_deadlines, province_of

router = Router()


class ChoiceOut(Schema):
    value: str
    label_th: str
    label_en: str


class FieldOut(Schema):
    key: str
    type: str
    label_th: str
    label_en: str
    required: bool
    choices: list[ChoiceOut]
    min: int | float | None
    max: int | float | None
    max_length: int | None
    decimals: int | None
    help_th: str
    help_en: str
    unit_th: str
    unit_en: str
    mask: str | None
    identity: bool
    only_for: list[str]
    subject_kind: str | None


class RuleOut(Schema):
    expr: str
    fields: list[str]
    message_th: str
    message_en: str


class SubjectKindOut(Schema):
    kind: str
    label_th: str
    label_en: str
    orgunit_level: str


class DatasetOut(Schema):
    key: str
    fiscal_year: int
    order: int
    name_th: str
    name_en: str
    owner: str
    unit: str
    levels: list[str]
    subject_kind: str | None
    version: int


class DatasetPage(Schema):
    items: list[DatasetOut]
    count: int


class DatasetDetailOut(DatasetOut):
    owner_th: str
    description_th: str
    description_en: str
    unit_field: str | None
    working_group: str
    period_rule: str
    subject: SubjectKindOut | None
    fields: list[FieldOut]
    rules: list[RuleOut]


class PeriodOut(Schema):
    id: int
    number: int
    label: str
    start: dt.date
    end: dt.date
    due: dt.date
    department_due: dt.date
    on_time_until: dt.date
    lock: dt.date
    note: str


class PeriodPage(Schema):
    items: list[PeriodOut]
    count: int


class YearFilter(Schema):
    fiscal_year: int | None = None


class PeriodFilter(Schema):
    dataset: str
    fiscal_year: int | None = None
    orgunit: str | None = None


def _year(value: int | None) -> int:
    """The asked fiscal year (BE), or the current one."""
    return value if value is not None else fiscal_year_of(timezone.localdate())


def published_dataset(key: str, fiscal_year: int | None) -> Dataset:
    """A dataset published for the fiscal year, or 404."""
    dataset = (
        Dataset.objects.filter(fiscal_year=_year(fiscal_year), key=key, current__isnull=False)
        .select_related("current")
        .first()
    )
    if dataset is None:
        raise Http404
    return dataset


def dataset_out(dataset: Dataset) -> DatasetOut:
    assert dataset.current is not None
    return DatasetOut(
        key=dataset.key,
        fiscal_year=dataset.fiscal_year,
        order=dataset.order,
        name_th=dataset.name_th,
        name_en=dataset.name_en,
        owner=dataset.owner,
        unit=dataset.unit,
        levels=list(dataset.levels),
        subject_kind=dataset.subject_kind or None,
        version=dataset.current.number,
    )


def field_out(f: FieldDef) -> FieldOut:
    return FieldOut(
        key=f.key,
        type=f.type,
        label_th=f.label_th,
        label_en=f.label_en,
        required=f.required,
        choices=[
            ChoiceOut(value=c.value, label_th=c.label_th, label_en=c.label_en) for c in f.choices
        ],
        min=f.min,
        max=f.max,
        max_length=f.max_length,
        decimals=f.decimals,
        help_th=f.help_th,
        help_en=f.help_en,
        unit_th=f.unit_th,
        unit_en=f.unit_en,
        mask=f.mask,
        identity=f.identity,
        only_for=list(f.only_for),
        subject_kind=f.subject_kind,
    )


def detail_out(dataset: Dataset, defn: DatasetDefinition) -> DatasetDetailOut:
    subject = defn.subject
    return DatasetDetailOut(
        **dataset_out(dataset).model_dump(),
        owner_th=defn.owner_th,
        description_th=defn.description_th,
        description_en=defn.description_en,
        unit_field=defn.unit_field,
        working_group=defn.working_group,
        period_rule=defn.periods.rule,
        subject=SubjectKindOut(
            kind=subject.kind,
            label_th=subject.label_th,
            label_en=subject.label_en,
            orgunit_level=subject.orgunit_level,
        )
        if subject
        else None,
        fields=[field_out(f) for f in defn.fields],
        rules=[
            RuleOut(
                expr=r.expr, fields=list(r.fields), message_th=r.message_th, message_en=r.message_en
            )
            for r in defn.rules
        ],
    )


@router.get("/datasets", response=DatasetPage, summary="The published datasets of a fiscal year")
def datasets(request: HttpRequest, filters: Query[YearFilter]) -> DatasetPage:
    rows = Dataset.objects.filter(
        fiscal_year=_year(filters.fiscal_year), current__isnull=False
    ).select_related("current")
    items = [dataset_out(d) for d in rows]
    return DatasetPage(items=items, count=len(items))


@router.get(
    "/datasets/{key}",
    response=DatasetDetailOut,
    summary="One dataset with its fields, choices and rules",
)
def dataset_detail(request: HttpRequest, key: str, filters: Query[YearFilter]) -> DatasetDetailOut:
    dataset = published_dataset(key, filters.fiscal_year)
    assert dataset.current is not None
    return detail_out(dataset, dataset.current.parsed)


def period_out(period: Period, due: dt.date) -> PeriodOut:
    return PeriodOut(
        id=period.pk,
        number=period.number,
        label=period.label,
        start=period.start,
        end=period.end,
        due=due,
        department_due=period.due,
        on_time_until=period.on_time_until,
        lock=period.lock,
        note=period.note,
    )


@router.get(
    "/periods",
    response=PeriodPage,
    summary="A dataset's periods; with orgunit, due is that unit's (its province's own if set)",
)
def periods(request: HttpRequest, filters: Query[PeriodFilter]) -> PeriodPage:
    dataset = published_dataset(filters.dataset, filters.fiscal_year)
    rows = list(dataset.periods.order_by("number"))
    if filters.orgunit:
        unit = policy.get_orgunit_for_user(request.user, filters.orgunit)
        province = province_of(unit)
        deadlines = province_deadlines(rows, province) if province else {}
        items = [period_out(p, due_for(p, unit, deadlines)) for p in rows]
    else:
        items = [period_out(p, p.due) for p in rows]
    return PeriodPage(items=items, count=len(items))
