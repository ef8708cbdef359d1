"""Periods in the database, made from the catalog's rules; province deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition
from khomun.catalog.models import Dataset
from khomun.lib import refcache
from khomun.lib.thaidate import format_date
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.schedule import rules
from khomun.schedule.models import Period, ProvinceDeadline


class ScheduleError(Exception):
    """A refused schedule change; the message is Thai and names the field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


PERIOD_ATTRS = (
    "start",
    "end",
    "due",
    "on_time_until",
    "lock",
    "label_th",
    "label_en",
    "note_th",
    "note_en",
)


def sync_periods(dataset: Dataset, defn: DatasetDefinition) -> list[Period]:
    """Make the dataset's periods match its rule; a period with records is never dropped."""
    rule = rules.parse_rule(_rule_data(defn))
    specs = rules.generate_periods(rule, dataset.fiscal_year)
    existing = {p.number: p for p in dataset.periods.all()}
    wanted = {spec.number for spec in specs}
    leftovers = [p for number, p in sorted(existing.items()) if number not in wanted]
    for leftover in leftovers:
        if leftover.records.exists():
            raise ScheduleError(f"งวดที่ {leftover.number} มีข้อมูลบันทึกแล้ว จึงลดจำนวนงวดไม่ได้", "periods")
    periods = []
    with transaction.atomic():
        for leftover in leftovers:
            leftover.delete()
        for spec in specs:
            period = existing.get(spec.number) or Period(dataset=dataset, number=spec.number)
            for name in PERIOD_ATTRS:
                setattr(period, name, getattr(spec, name))
            period.save()
            periods.append(period)
    return periods


def _rule_data(defn: DatasetDefinition) -> dict[str, Any]:
    p = defn.periods
    data: dict[str, Any] = {"rule": p.rule, "grace_days": p.grace_days, "lock_days": p.lock_days}
    if p.rule == "monthly":
        data["day"] = p.day
    else:
        data["due"] = list(p.due)
    if p.notes_th:
        data["notes_th"] = dict(p.notes_th)
    if p.notes_en:
        data["notes_en"] = dict(p.notes_en)
    return data


def province_of(unit: OrgUnit) -> str | None:
    return None if unit.level == Level.COUNTRY else unit.code[:2]


def due_for(
    period: Period, unit: OrgUnit, deadlines: dict[tuple[int, str], dt.date] | None = None
) -> dt.date:
    """The due date that applies to an org unit: its province's own when earlier."""
    province = province_of(unit)
    if province is None:
        return period.due
    if deadlines is None:
        own = ProvinceDeadline.objects.filter(period=period, province__code=province).first()
        return own.due if own else period.due
    return deadlines.get((period.pk, province), period.due)


def province_deadlines(periods: list[Period], province_code: str) -> dict[tuple[int, str], dt.date]:
    """All deadlines a province set for these periods, in one query, kept by the process
    (refcache): every home page of the province asks."""

    def load() -> dict[tuple[int, str], dt.date]:
        rows = ProvinceDeadline.objects.filter(period__in=periods, province__code=province_code)
        return {(row.period_id, province_code): row.due for row in rows}

    key = ("province_deadlines", province_code, tuple(sorted(p.pk for p in periods)))
    return refcache.lookup(key, load)


def open_periods(day: dt.date) -> list[Period]:
    """Periods of published datasets that have started and are not locked on `day`,
    nearest deadline first, kept by the process (refcache): every home page asks."""
    return refcache.lookup_list(
        ("open_periods", day),
        lambda: (
            Period.objects.filter(start__lte=day, lock__gte=day, dataset__current__isnull=False)
            .select_related("dataset")
            .order_by("due", "dataset__order", "dataset__key", "number")
        ),
    )


def periods_for_year(fiscal_year: int) -> list[Period]:
    """Every period of the year's published datasets, in table order (kept per worker:
    every monitoring page reads them)."""
    return refcache.lookup_list(
        ("periods_for_year", fiscal_year),
        lambda: (
            Period.objects.filter(dataset__fiscal_year=fiscal_year, dataset__current__isnull=False)
            .select_related("dataset")
            .order_by("dataset__order", "dataset__key", "number")
        ),
    )


def set_province_deadline(
    actor: Any, period: Period, province: OrgUnit, due: dt.date | None
) -> ProvinceDeadline | None:
    """A province admin sets (or with None clears) its own earlier deadline."""
    if not policy.can_set_province_deadline(actor, province):
        raise ScheduleError("ท่านไม่มีสิทธิ์กำหนดวันส่งของจังหวัดนี้", "province")
    label = "กำหนดส่งของจังหวัด"  # the field's Thai label, so the message names it
    with transaction.atomic():
        if due is None:
            ProvinceDeadline.objects.filter(period=period, province=province).delete()
            return None
        try:
            rules.effective_due(period.due, due)
        except rules.RuleError:
            department = format_date(period.due, short=True)
            raise ScheduleError(f"{label}: ต้องไม่ช้ากว่ากำหนดส่งของกรม ({department})", "due") from None
        if due < period.start:
            start = format_date(period.start, short=True)
            raise ScheduleError(f"{label}: ต้องไม่ก่อนวันเริ่มงวด ({start})", "due")
        deadline, _ = ProvinceDeadline.objects.update_or_create(
            period=period, province=province, defaults={"due": due, "set_by": actor}
        )
    return deadline
