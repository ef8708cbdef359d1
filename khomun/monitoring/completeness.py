"""Completeness: what a period expects of an org unit and how far it has come.

Figures are current on every read (a save shows at once) and rolled up one level.
Under a province or the country they are sums of the figures kept per period and
district (`monitoring.summary`, recounted there when a write made them stale);
below a district they are counted live: the children of a unit are the groups of
one aggregate query on the path prefix, never a query per org unit. A screen with
any number of districts and periods costs the same handful of queries:

- the child units (one query), the province deadlines (one),
- the expected subjects, grouped by child and counted per period (one),
- the expected reporting units of datasets without subjects (one),
- the records, grouped by period and child (one).

Definitions (SPEC §3), per period and org unit:
- expected: active subjects of the dataset's kind under the unit during the period
  (`records.models.active_between`), or, for datasets without subjects, the org
  units with a CDD office at the dataset's reporting levels;
- recorded: expected subjects (or units) that have a record in the period;
- complete: of those, records with every required field valid;
- submitted / approved / returned: records in that state (approved counts as
  submitted too);
- on time / late: submitted records whose submission fell on or before / after the
  applicable on-time date: the period's `on_time_until`, moved earlier by as much
  as the province's own deadline is earlier than the department's;
- missing: expected minus recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Case, CharField, Count, DateTimeField, F, Q, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from khomun.lib import refcache
from khomun.monitoring.labels import GAP_LABELS
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit, under_any
from khomun.records.choices import RecordState
from khomun.records.models import Record, Subject, active_between
from khomun.schedule.models import Period, ProvinceDeadline

SUBMITTED_STATES = (RecordState.SUBMITTED, RecordState.APPROVED)
# Length of the code one level below each level: the path prefix of a child.
CHILD_CODE_LENGTH = {Level.COUNTRY: 2, Level.PROVINCE: 4, Level.DISTRICT: 6, Level.SUBDISTRICT: 8}
# Completeness (complete / expected) from which a cell turns green, else amber.
GREEN_FROM = 1.0
AMBER_FROM = 0.5


@dataclass
class Figures:
    expected: int = 0
    recorded: int = 0
    complete: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return max(self.expected - self.recorded, 0)

    @property
    def incomplete(self) -> int:
        return self.recorded - self.complete

    def _rate(self, count: int) -> float | None:
        return count / self.expected if self.expected else None

    @property
    def recorded_rate(self) -> float | None:
        return self._rate(self.recorded)

    @property
    def complete_rate(self) -> float | None:
        return self._rate(self.complete)

    @property
    def submitted_rate(self) -> float | None:
        return self._rate(self.submitted)

    @property
    def approved_rate(self) -> float | None:
        return self._rate(self.approved)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time)

    @property
    def colour(self) -> str:
        """green (all complete), amber (at least half), red, or none (nothing expected)."""
        rate = self.complete_rate
        if rate is None:
            return "none"
        if rate >= GREEN_FROM:
            return "green"
        return "amber" if rate >= AMBER_FROM else "red"

    def add(self, other: Figures) -> None:
        for name in FIGURE_NAMES:  # not `fields()`: hundreds of calls per monitoring page
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["missing"] = self.missing
        for name in ("recorded", "complete", "submitted", "approved", "on_time"):
            data[f"{name}_rate"] = getattr(self, f"{name}_rate")
        return data


# Every figure, in the order of Figures' fields (the stored columns of monitoring.summary).
FIGURE_NAMES = tuple(f.name for f in fields(Figures))
# The figures counted from records (all but the expected).
RECORD_FIGURES = FIGURE_NAMES[1:]


@dataclass
class Rollup:
    """One period under one unit: the unit's total and each child's figures."""

    period: Period
    unit: OrgUnit
    total: Figures
    children: list[tuple[OrgUnit, Figures]] = field(default_factory=list)


def child_units(unit: OrgUnit) -> list[OrgUnit]:
    """The units one level down that have a CDD office (Bangkok has none); kept per
    worker (every monitoring page and admin home reads them)."""
    return refcache.lookup_list(
        ("cdd_children", unit.pk),
        lambda: unit.children.filter(has_cdd_office=True).order_by("code"),
    )


def for_period(period: Period, unit: OrgUnit) -> Rollup:
    return rollup([period], unit)[period.pk]


def rollup(
    periods: Sequence[Period], unit: OrgUnit, children: list[OrgUnit] | None = None
) -> dict[int, Rollup]:
    """Figures of each period under `unit`, with one entry per child unit."""
    children = child_units(unit) if children is None else children
    groups: dict[int, dict[str, Figures]] = {p.pk: {} for p in periods}
    if periods:
        prefix = (
            len(unit.path)
            + CHILD_CODE_LENGTH.get(Level(unit.level), 0)
            + (1 if unit.level in CHILD_CODE_LENGTH else 0)
        )
        groups = figures_by_prefix(periods, unit, prefix)
    result = {}
    for period in periods:
        by_group = groups[period.pk]
        total = Figures()
        for figures in by_group.values():
            total.add(figures)
        rows = [(child, by_group.get(child.path, Figures())) for child in children]
        result[period.pk] = Rollup(period, unit, total, rows)
    return result


def figures_by_prefix(
    periods: Sequence[Period], unit: OrgUnit, prefix: int
) -> dict[int, dict[str, Figures]]:
    """Figures under `unit` per period, grouped by the first `prefix` characters of
    the org path (e.g. every district of the country in one pass).

    Under a province or the country, grouped by district or coarser, they are summed
    from the stored figures of each district (`monitoring.summary`); below, counted live."""
    from khomun.monitoring import summary  # it counts with figures_by_prefix_live

    if unit.level in (Level.COUNTRY, Level.PROVINCE) and prefix <= summary.DISTRICT_KEY_LENGTH:
        groups: dict[int, dict[str, Figures]] = {p.pk: {} for p in periods}
        for period_id, by_area in summary.district_figures(periods, unit).items():
            for area, figures in by_area.items():
                _slot(groups, period_id, area[:prefix]).add(figures)
        return groups
    return figures_by_prefix_live(periods, unit, prefix)


def figures_by_prefix_live(
    periods: Sequence[Period], unit: OrgUnit, prefix: int, within: Sequence[str] = ()
) -> dict[int, dict[str, Figures]]:
    """`figures_by_prefix` counted from the subjects and records themselves; only
    under the paths `within` (all under `unit` when empty)."""
    groups: dict[int, dict[str, Figures]] = {p.pk: {} for p in periods}
    if periods:
        paths = list(within) or [unit.path]
        _count_expected_subjects(periods, paths, prefix, groups)
        _count_expected_units(periods, paths, prefix, groups)
        _count_records(periods, unit, paths, prefix, groups)
    return groups


def _slot(groups: dict[int, dict[str, Figures]], period_id: int, key: str) -> Figures:
    return groups[period_id].setdefault(key, Figures())


def _count_expected_subjects(
    periods: Sequence[Period],
    paths: Sequence[str],
    prefix: int,
    groups: dict[int, dict[str, Figures]],
) -> None:
    with_subjects = [p for p in periods if p.dataset.subject_kind]
    if not with_subjects:
        return
    per_period = {
        f"p{p.pk}": Count(
            "pk", filter=Q(kind=p.dataset.subject_kind) & active_between(p.start, p.end)
        )
        for p in with_subjects
    }
    rows = (
        Subject.objects.filter(
            under_any("orgunit_path", paths),
            kind__in={p.dataset.subject_kind for p in with_subjects},
            merged_into__isnull=True,
        )
        .annotate(group=Substr("orgunit_path", 1, prefix))
        .order_by()
        .values("group")
        .annotate(**per_period)
    )
    for row in rows:
        for p in with_subjects:
            _slot(groups, p.pk, row["group"]).expected += row[f"p{p.pk}"]


def _count_expected_units(
    periods: Sequence[Period],
    paths: Sequence[str],
    prefix: int,
    groups: dict[int, dict[str, Figures]],
) -> None:
    without = [p for p in periods if not p.dataset.subject_kind]
    levels = {level for p in without for level in p.dataset.levels}
    if not levels:
        return
    rows = (
        OrgUnit.objects.filter(under_any("path", paths), level__in=levels, has_cdd_office=True)
        .annotate(group=Substr("path", 1, prefix))
        .order_by()
        .values("group", "level")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        for p in without:
            if row["level"] in p.dataset.levels:
                _slot(groups, p.pk, row["group"]).expected += row["n"]


def _counted_records(periods: Sequence[Period], unit: OrgUnit, paths: Sequence[str] = ()) -> Q:
    """Records that meet an expectation: of an expected subject, or of a reporting unit
    (under `unit`, or only under `paths` when given)."""
    paths = list(paths) or [unit.path]
    # Each period's kind as a literal (not a join on the dataset): PostgreSQL can then
    # read the subjects by (kind, path prefix) from their index.
    of_kind = Q(pk__in=[])
    for kind in sorted({p.dataset.subject_kind for p in periods} - {""}):
        ids = [p.pk for p in periods if p.dataset.subject_kind == kind]
        of_kind |= Q(period_id__in=ids, subject__kind=kind)
    of_subject = (
        Q(subject__isnull=False)
        & under_any("subject__orgunit_path", paths)
        & of_kind
        & Q(subject__merged_into__isnull=True)
        & (Q(subject__active_from__isnull=True) | Q(subject__active_from__lte=F("period__end")))
        & (Q(subject__dissolved_on__isnull=True) | Q(subject__dissolved_on__gte=F("period__start")))
    )
    of_unit = Q(pk__in=[])
    for p in periods:
        if not p.dataset.subject_kind:
            of_unit |= Q(period_id=p.pk, orgunit__level__in=list(p.dataset.levels))
    of_unit &= Q(subject__isnull=True, orgunit__has_cdd_office=True) & under_any(
        "orgunit_path", paths
    )
    return of_subject | of_unit


def on_time_dates(periods: Sequence[Period], unit: OrgUnit) -> dict[tuple[int, str], dt.date]:
    """(period id, province code) → the last on-time day where a province set its own
    deadline; elsewhere a period's own `on_time_until` applies."""
    rows = ProvinceDeadline.objects.filter(period__in=list(periods))
    if unit.level != Level.COUNTRY:
        rows = rows.filter(province__code=unit.code[:2])
    by_pk = {p.pk: p for p in periods}
    result = {}
    for period_id, province, due in rows.values_list("period_id", "province__code", "due"):
        period = by_pk[period_id]
        result[(period_id, province)] = period.on_time_until - (period.due - due)
    return result


def _end_of(day: dt.date) -> dt.datetime:
    """The first moment after `day` in the local time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _on_time_limit(periods: Sequence[Period], unit: OrgUnit) -> Case:
    """Per record: the moment from which its submission counts late."""
    whens = [
        When(
            period_id=period_id,
            orgunit_path__startswith=f"TH/{province}/",
            then=Value(_end_of(day)),
        )
        for (period_id, province), day in on_time_dates(periods, unit).items()
    ]
    whens += [When(period_id=p.pk, then=Value(_end_of(p.on_time_until))) for p in periods]
    return Case(*whens, output_field=DateTimeField())


def _count_records(
    periods: Sequence[Period],
    unit: OrgUnit,
    paths: Sequence[str],
    prefix: int,
    groups: dict[int, dict[str, Figures]],
) -> None:
    group = Case(
        When(subject__isnull=False, then=Substr("subject__orgunit_path", 1, prefix)),
        default=Substr("orgunit_path", 1, prefix),
        output_field=CharField(),
    )
    submitted = Q(state__in=SUBMITTED_STATES, submitted_at__isnull=False)
    rows = (
        Record.objects.filter(period__in=list(periods))
        .filter(_counted_records(periods, unit, paths))
        .annotate(group=group, limit=_on_time_limit(periods, unit))
        .order_by()
        .values("period_id", "group")
        .annotate(
            recorded=Count("pk"),
            complete=Count("pk", filter=Q(complete=True)),
            submitted=Count("pk", filter=Q(state__in=SUBMITTED_STATES)),
            approved=Count("pk", filter=Q(state=RecordState.APPROVED)),
            returned=Count("pk", filter=Q(state=RecordState.RETURNED)),
            on_time=Count("pk", filter=submitted & Q(submitted_at__lt=F("limit"))),
            late=Count("pk", filter=submitted & Q(submitted_at__gte=F("limit"))),
        )
    )
    for row in rows:
        slot = _slot(groups, row["period_id"], row["group"])
        for name in RECORD_FIGURES:
            setattr(slot, name, getattr(slot, name) + row[name])


# ---------------------------------------------------------------- what is still to do


@dataclass(frozen=True)
class Gap:
    """An expected subject (or reporting unit) with no record, or an incomplete one."""

    name: str
    place: OrgUnit
    subject: Subject | None
    record: Record | None

    @property
    def status(self) -> str:
        if self.record is None:
            return "missing"
        return "returned" if self.record.state == RecordState.RETURNED else "incomplete"

    @property
    def status_label(self) -> str:
        return str(GAP_LABELS[self.status])


GAP_LIMIT = 1000


def gaps(period: Period, unit: OrgUnit, limit: int = GAP_LIMIT) -> list[Gap]:
    """The missing and incomplete work of a period under a unit (two queries)."""
    done = Record.objects.filter(period=period, complete=True)
    if period.dataset.subject_kind:
        subjects = list(
            Subject.objects.filter(
                kind=period.dataset.subject_kind, orgunit_path__startswith=unit.path
            )
            .filter(active_between(period.start, period.end))
            .exclude(pk__in=done.filter(subject__isnull=False).values("subject_id"))
            .select_related("orgunit")
            .order_by("orgunit_path", "name")[:limit]
        )
        records = Record.objects.filter(period=period, subject__in=subjects)
        by_subject = {r.subject_id: r for r in records}
        return [Gap(s.name, s.orgunit, s, by_subject.get(s.pk)) for s in subjects]
    units = list(
        OrgUnit.objects.under(unit)
        .filter(level__in=list(period.dataset.levels), has_cdd_office=True)
        .exclude(pk__in=done.filter(subject__isnull=True).values("orgunit_id"))
        .order_by("path")[:limit]
    )
    unit_records = Record.objects.filter(period=period, orgunit__in=units, subject__isnull=True)
    by_unit = {r.orgunit_id: r for r in unit_records}
    return [Gap(u.full_name, u, None, by_unit.get(u.pk)) for u in units]
