"""Data quality beyond the field rules: possible duplicate subjects, values far from the
subject's own history or from its peers, and records with no change at all since the
previous period. Findings become `QualityFlag` rows for the district to review.

Far means robustly far: |x − median| > K · 1.4826 · MAD (the MAD scaled to a standard
deviation), so one wild value cannot hide itself by widening the spread, and no fixed
threshold has to fit both a savings balance and a head count.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from khomun.catalog.definition import DatasetDefinition, FieldDef
from khomun.catalog.validation import FieldProblem, parse_number
from khomun.monitoring.models import QualityFlag
from khomun.orgunits.models import OrgUnit
from khomun.records.models import Record, Subject
from khomun.records.services import compact_name
from khomun.schedule.models import Period

K = 5
MAD_TO_SD = 1.4826
# A spread of (nearly) nothing would flag every small change: the spread is at least
# this share of the median.
MIN_RELATIVE_SPREAD = 0.1
MIN_HISTORY = 3  # fewer earlier values: compare with the last one instead
MIN_PEERS = 5  # fewer in the district: compare across the province
RATIO_HIGH = 10.0
RATIO_LOW = 0.1
NUMERIC_TYPES = frozenset({"integer", "money", "decimal"})


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Outlier:
    value: float
    median: float
    mad: float
    ratio: float | None  # value / median (or / the last value); None when that is 0


def median_mad(sample: Sequence[float]) -> tuple[float, float]:
    """The median and the median absolute deviation from it."""
    centre = statistics.median(sample)
    return centre, statistics.median(abs(x - centre) for x in sample)


def _ratio(value: float, base: float) -> float | None:
    return value / base if base else None


def robust_outlier(value: float, sample: Sequence[float]) -> Outlier | None:
    """`value` against a sample (its history, or its peers with itself among them)."""
    centre, mad = median_mad(sample)
    spread = max(MAD_TO_SD * mad, MIN_RELATIVE_SPREAD * abs(centre))
    if spread == 0 or abs(value - centre) <= K * spread:
        return None
    return Outlier(value, centre, mad, _ratio(value, centre))


def ratio_outlier(value: float, last: float) -> Outlier | None:
    """Too little history for a spread: ten times the last value (or a tenth) is far."""
    ratio = _ratio(value, last)
    if ratio is None or RATIO_LOW < ratio < RATIO_HIGH:
        return None
    return Outlier(value, last, 0.0, ratio)


def to_number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(parse_number(value))
    except (FieldProblem, ArithmeticError, ValueError, TypeError):
        return None


def numeric_fields(defn: DatasetDefinition) -> list[FieldDef]:
    return [f for f in defn.fields if f.type in NUMERIC_TYPES]


# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    record_id: int
    kind: str
    field_key: str
    detail: dict[str, Any]

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.record_id, self.kind, self.field_key)


def _detail(outlier: Outlier, basis: str) -> dict[str, Any]:
    return {
        "value": outlier.value,
        "median": outlier.median,
        "mad": outlier.mad,
        "ratio": outlier.ratio,
        "basis": basis,
    }


def _owner(record: Record) -> tuple[str, int]:
    """Whose history a record continues: its subject's, or its reporting unit's."""
    if record.subject_id is not None:
        return ("subject", record.subject_id)
    return ("unit", record.orgunit_id)


def _district_prefix(path: str) -> str:
    """TH/52/5201/... → TH/52/5201/; a province's own path stays as it is."""
    return "/".join(path.split("/")[:3]) + "/"


def _province_prefix(path: str) -> str:
    return "/".join(path.split("/")[:2]) + "/"


def _histories(
    period: Period, records: Sequence[Record]
) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """The earlier values of each record's subject (or unit), oldest first, any fiscal year."""
    subjects = [r.subject_id for r in records if r.subject_id is not None]
    units = [r.orgunit_id for r in records if r.subject_id is None]
    earlier = Record.objects.filter(
        period__dataset__key=period.dataset.key, period__end__lt=period.start
    ).order_by("period__end", "pk")
    found: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in earlier.filter(subject_id__in=subjects):
        found[_owner(row)].append(row.values)
    for row in earlier.filter(subject__isnull=True, orgunit_id__in=units):
        found[_owner(row)].append(row.values)
    return found


def history_findings(
    record: Record, history: Sequence[dict[str, Any]], fields: Iterable[FieldDef]
) -> list[Finding]:
    found = []
    for f in fields:
        value = to_number(record.values.get(f.key))
        earlier = [x for x in (to_number(v.get(f.key)) for v in history) if x is not None]
        if value is None or not earlier:
            continue
        if len(earlier) >= MIN_HISTORY:
            outlier, basis = robust_outlier(value, earlier), "history"
        else:
            outlier, basis = ratio_outlier(value, earlier[-1]), "last"
        if outlier is not None:
            found.append(
                Finding(record.pk, QualityFlag.Kind.OWN_HISTORY, f.key, _detail(outlier, basis))
            )
    return found


def peer_findings(
    targets: Sequence[Record], pool: Sequence[Record], fields: Iterable[FieldDef]
) -> list[Finding]:
    """Each value against the same field of the district's records in the period (or the
    province's, when the district has too few)."""
    found = []
    for f in fields:
        by_district: dict[str, list[float]] = defaultdict(list)
        by_province: dict[str, list[float]] = defaultdict(list)
        for r in pool:
            x = to_number(r.values.get(f.key))
            if x is not None:
                by_district[_district_prefix(r.orgunit_path)].append(x)
                by_province[_province_prefix(r.orgunit_path)].append(x)
        for r in targets:
            value = to_number(r.values.get(f.key))
            if value is None:
                continue
            sample, basis = by_district[_district_prefix(r.orgunit_path)], "district"
            if len(sample) < MIN_PEERS:
                sample, basis = by_province[_province_prefix(r.orgunit_path)], "province"
            if len(sample) < MIN_PEERS:
                continue
            outlier = robust_outlier(value, sample)
            if outlier is not None:
                found.append(Finding(r.pk, QualityFlag.Kind.PEERS, f.key, _detail(outlier, basis)))
    return found


def unchanged_finding(
    record: Record, previous: dict[str, Any] | None, fields: Iterable[FieldDef]
) -> Finding | None:
    """Every value exactly as in the previous period (and at least one number to compare)."""
    if previous is None or record.values != previous:
        return None
    if not any(to_number(record.values.get(f.key)) is not None for f in fields):
        return None
    return Finding(record.pk, QualityFlag.Kind.UNCHANGED, "", {})


def duplicate_findings(records: Sequence[Record], prefix: str) -> list[Finding]:
    """Subjects of the same kind whose names match (spaces and case ignored) in the same
    district. The same national ID twice within a kind cannot exist: the database
    refuses it (`subject_unique_national_id`) and registering says where the first is."""
    kinds = {r.subject.kind for r in records if r.subject is not None}
    live = Subject.objects.filter(
        kind__in=kinds, merged_into__isnull=True, orgunit_path__startswith=prefix
    ).select_related("orgunit")
    groups: dict[tuple[str, str, str], list[Subject]] = defaultdict(list)
    for s in live:
        groups[(s.kind, _district_prefix(s.orgunit_path), compact_name(s.name))].append(s)
    found = []
    for r in records:
        mine = r.subject
        if mine is None:
            continue
        twins = groups[(mine.kind, _district_prefix(mine.orgunit_path), compact_name(mine.name))]
        others = [
            {"id": o.pk, "name": o.name, "place": o.orgunit.full_name_th}
            for o in twins
            if o.pk != mine.pk
        ]
        if others:
            found.append(Finding(r.pk, QualityFlag.Kind.DUPLICATE, "", {"others": others}))
    return found


def find_issues(period: Period, unit: OrgUnit) -> list[Finding]:
    """Everything that looks wrong in the period's records under `unit`."""
    version = period.dataset.current
    if version is None:  # an unpublished dataset has nothing recorded against it
        return []
    fields = numeric_fields(version.parsed)
    pool = list(
        Record.objects.filter(
            period=period, orgunit_path__startswith=_province_prefix(unit.path)
        ).select_related("subject")
    )
    targets = [r for r in pool if r.orgunit_path.startswith(unit.path)]
    histories = _histories(period, targets)
    found = peer_findings(targets, pool, fields)
    for record in targets:
        history = histories.get(_owner(record), [])
        found += history_findings(record, history, fields)
        same = unchanged_finding(record, history[-1] if history else None, fields)
        if same is not None:
            found.append(same)
    found += duplicate_findings(targets, _province_prefix(unit.path))
    return found


# ---------------------------------------------------------------- flags


def flags_under(period: Period, unit: OrgUnit) -> Any:
    return QualityFlag.objects.filter(
        record__period=period, record__orgunit_path__startswith=unit.path
    )


def refresh_flags(period: Period, unit: OrgUnit) -> list[QualityFlag]:
    """Recompute the open flags of the period's records under `unit` (a district, or a
    province for all its districts). Decided flags stay as they were."""
    wanted = {f.key: f for f in find_issues(period, unit)}
    with transaction.atomic():
        existing = {
            (f.record_id, f.kind, f.field_key): f
            for f in flags_under(period, unit).select_for_update()
        }
        stale = [
            f.pk
            for k, f in existing.items()
            if k not in wanted and f.status == QualityFlag.Status.OPEN
        ]
        QualityFlag.objects.filter(pk__in=stale).delete()
        for k, finding in wanted.items():
            flag = existing.get(k)
            is_open = flag is not None and flag.status == QualityFlag.Status.OPEN
            if flag is not None and is_open and flag.detail != finding.detail:
                flag.detail = finding.detail
                flag.save(update_fields=["detail"])
        new = [
            QualityFlag(record_id=f.record_id, kind=f.kind, field_key=f.field_key, detail=f.detail)
            for k, f in wanted.items()
            if k not in existing
        ]
        QualityFlag.objects.bulk_create(new, ignore_conflicts=True)
    return list(flags_under(period, unit).select_related("record", "record__subject"))


# ---------------------------------------------------------------- explanations


def format_amount(value: float, f: FieldDef | None) -> str:
    """1,500,000 บาท; money keeps its satang when it has some."""
    amount = Decimal(repr(value))
    places = 2 if f is not None and f.type != "integer" and amount != amount.to_integral() else 0
    text = f"{value:,.{places}f}"
    unit = f.unit_th if f is not None else ""
    return f"{text} {unit}".strip()


def _times(ratio: float) -> str:
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:,.1f}"


def _far_text(flag: QualityFlag, f: FieldDef | None) -> str:
    detail = flag.detail
    value, centre = float(detail.get("value", 0)), float(detail.get("median", 0))
    label = f.label_th if f is not None else flag.field_key
    against = {
        "history": _("ค่ากลางของงวดก่อน ๆ ของรายการนี้"),
        "last": _("งวดก่อน (%(amount)s)") % {"amount": format_amount(centre, f)},
        "district": _("ค่ากลางของกลุ่มเดียวกันในอำเภอ"),
        "province": _("ค่ากลางของกลุ่มเดียวกันในจังหวัด"),
    }.get(detail.get("basis", ""), _("ค่ากลาง"))
    params = {"label": label, "amount": format_amount(value, f), "against": against}
    if value == 0:
        params["base"] = format_amount(centre, f)
        return _("%(label)sงวดนี้เป็นศูนย์ ขณะที่%(against)sคือ %(base)s") % params
    if centre == 0:
        return _("%(label)sงวดนี้ %(amount)s ขณะที่%(against)sเป็นศูนย์") % params
    if value > centre:
        params["times"] = _times(value / centre)
        return _("%(label)sงวดนี้ %(amount)s สูงกว่า%(against)s %(times)s เท่า") % params
    params["times"] = _times(centre / value)
    return _("%(label)sงวดนี้ %(amount)s ต่ำกว่า%(against)s %(times)s เท่า") % params


def explain(flag: QualityFlag, defn: DatasetDefinition) -> str:
    """What the reviewer reads, in Thai, e.g. "ยอดเงินออมงวดนี้ 1,500,000 บาท สูงกว่า
    ค่ากลางของกลุ่มเดียวกันในอำเภอ 12 เท่า"."""
    if flag.kind == QualityFlag.Kind.UNCHANGED:
        return _("ข้อมูลทุกช่องเหมือนงวดก่อนทุกประการ โปรดตรวจว่าได้ปรับปรุงข้อมูลของงวดนี้แล้ว")
    if flag.kind == QualityFlag.Kind.DUPLICATE:
        others = ", ".join(
            f"“{o.get('name', '')}” ({o.get('place', '')})" for o in flag.detail.get("others", [])
        )
        return _("อาจเป็นรายการซ้ำกับ %(others)s") % {"others": others}
    f = defn.get_field(flag.field_key) if flag.field_key in defn.field_keys else None
    return _far_text(flag, f)
