"""What is due for an org unit, and how far its recording has come.

The home page's due list and the period page read from here. Counts are
aggregates over the whole list of periods (one query per kind of count, grouped
or filtered per period), never a query per row, so a province with many
districts and many open periods costs the same few queries as one district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition
from khomun.lib.thaidate import fiscal_year
from khomun.monitoring import completeness
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.models import Record, Subject, active_between
from khomun.schedule.models import Period
from khomun.schedule.services import due_for, open_periods, province_deadlines

# The reporting levels whose work a user of each level follows: a district its own,
# a province its own datasets plus its districts' totals, the country everything.
FOLLOWED_LEVELS: dict[str, frozenset[str]] = {
    Level.DISTRICT: frozenset({Level.DISTRICT}),
    Level.PROVINCE: frozenset({Level.PROVINCE, Level.DISTRICT}),
    Level.COUNTRY: frozenset({Level.COUNTRY, Level.PROVINCE, Level.DISTRICT}),
}
SUBMITTED_STATES = (RecordState.SUBMITTED, RecordState.APPROVED)

# A record's place in the work of a period, as the period page shows it.
STATUS_LABELS = {
    "missing": _("ยังไม่บันทึก"),
    "draft": _("ฉบับร่าง"),
    "complete": _("ครบถ้วน รอส่ง"),
    "submitted": _("ส่งแล้ว"),
    "returned": _("ส่งกลับให้แก้ไข"),
    "approved": _("อนุมัติแล้ว"),
}
ROWS_PER_PAGE = 50


@dataclass(frozen=True)
class Counts:
    expected: int = 0
    recorded: int = 0
    complete: int = 0
    submitted: int = 0


@dataclass(frozen=True)
class DueItem:
    """One open period of one dataset, as it stands for one org unit."""

    period: Period
    unit: OrgUnit
    due: dt.date
    days_left: int
    counts: Counts

    @property
    def dataset_name(self) -> str:
        return self.period.dataset.name

    @property
    def is_late(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left

    @property
    def url(self) -> str:
        return period_url(self.period, self.unit)

    # The tile's texts, made here rather than by template tags: the due list is the page
    # every recorder opens first, and a dozen tiles of tags took a fifth of its time.
    @property
    def time_left(self) -> str:
        if self.is_late:
            n = self.days_late
            return ngettext("เลยกำหนด %(n)s วัน", "เลยกำหนด %(n)s วัน", n) % {"n": n}
        if self.days_left == 0:
            return gettext("ครบกำหนดวันนี้")
        n = self.days_left
        return ngettext("อีก %(n)s วัน", "อีก %(n)s วัน", n) % {"n": n}

    @property
    def counts_text(self) -> str:
        c = self.counts
        text = gettext("ต้องบันทึก %(e)s · บันทึกแล้ว %(r)s · ครบถ้วน %(c)s · ส่งแล้ว %(s)s")
        return text % {"e": c.expected, "r": c.recorded, "c": c.complete, "s": c.submitted}


def period_url(period: Period, unit: OrgUnit | None = None) -> str:
    dataset = period.dataset
    url = reverse("record_period", args=[dataset.fiscal_year, dataset.key, period.number])
    return f"{url}?orgunit={unit.code}" if unit is not None else url


def due_list(user: Any, today: dt.date | None = None) -> list[DueItem]:
    """What is due for the user's own org unit (their highest role), nearest deadline first."""
    unit = policy.primary_unit(user)
    return due_for_unit(unit, today) if unit is not None else []


def due_for_unit(unit: OrgUnit, today: dt.date | None = None) -> list[DueItem]:
    """Open (started, not locked) periods of this fiscal year that the unit follows."""
    today = today or timezone.localdate()
    followed = FOLLOWED_LEVELS.get(unit.level, frozenset())
    year = fiscal_year(today)
    # JSON "contains" is not portable to SQLite, and the list is short: filter here.
    periods = [
        p
        for p in open_periods(today)
        if p.dataset.fiscal_year == year and followed & set(p.dataset.levels)
    ]
    if not periods:
        return []
    counts = counts_for(periods, unit)
    deadlines = province_deadlines(periods, unit.code[:2]) if unit.level != Level.COUNTRY else {}
    items = []
    for period in periods:
        due = due_for(period, unit, deadlines)
        items.append(DueItem(period, unit, due, (due - today).days, counts[period.pk]))
    items.sort(key=lambda i: (i.due, i.period.dataset.order, i.period.number))
    return items


def counts_for(periods: list[Period], unit: OrgUnit) -> dict[int, Counts]:
    """Expected, recorded, complete and submitted records of each period under `unit`.

    A province's and the country's are the monitoring pages' own figures, summed from
    the stored figures of their districts (`monitoring.summary`: only districts written
    since the last read are counted again), so both pages show the same numbers and a
    province admin's home does not count a whole province. A district's are counted
    live: every save in it would make its stored row stale anyway."""
    if unit.level in (Level.PROVINCE, Level.COUNTRY):
        groups = completeness.figures_by_prefix(periods, unit, len(unit.path))
        counts = {}
        for p in periods:
            figures = groups[p.pk].get(unit.path, completeness.Figures())
            counts[p.pk] = Counts(
                figures.expected, figures.recorded, figures.complete, figures.submitted
            )
        return counts
    expected = _expected_subjects(periods, unit) | _expected_units(periods, unit)
    done = _recorded(periods, unit)
    return {p.pk: Counts(expected.get(p.pk, 0), *done.get(p.pk, (0, 0, 0))) for p in periods}


def _expected_subjects(periods: list[Period], unit: OrgUnit) -> dict[int, int]:
    """Active subjects of each period's kind (as `expected_subjects` selects them): one
    query, one filtered count per period. Written as SQL: the ORM took ten times longer
    to build this query (five conditions a period, a dozen periods) than the database
    to run it, on the page every recorder opens first."""
    with_subjects = [p for p in periods if p.dataset.subject_kind]
    if not with_subjects:
        return {}
    date = connection.ops.adapt_datefield_value
    counts, params = [], []
    for p in with_subjects:
        counts.append(
            "COUNT(*) FILTER (WHERE kind = %s"
            " AND (active_from IS NULL OR active_from <= %s)"
            " AND (dissolved_on IS NULL OR dissolved_on >= %s))"
        )
        params += [p.dataset.subject_kind, date(p.end), date(p.start)]
    kinds = sorted({p.dataset.subject_kind for p in with_subjects})
    sql = (
        f"SELECT {', '.join(counts)} FROM {Subject._meta.db_table}"  # noqa: S608 (no input)
        " WHERE merged_into_id IS NULL AND orgunit_path LIKE %s ESCAPE '\\'"
        f" AND kind IN ({', '.join(['%s'] * len(kinds))})"
    )
    params += [connection.ops.prep_for_like_query(unit.path) + "%", *kinds]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {p.pk: row[i] for i, p in enumerate(with_subjects)}


def _expected_units(periods: list[Period], unit: OrgUnit) -> dict[int, int]:
    """For datasets without subjects: the reporting org units under `unit`, in one query."""
    without = [p for p in periods if not p.dataset.subject_kind]
    if not without:
        return {}
    levels = sorted({level for p in without for level in p.dataset.levels})
    row = (
        OrgUnit.objects.under(unit)
        .filter(level__in=levels, has_cdd_office=True)
        .aggregate(**{level: Count("pk", filter=Q(level=level)) for level in levels})
    )
    return {p.pk: sum(row[level] for level in p.dataset.levels) for p in without}


def _recorded(periods: list[Period], unit: OrgUnit) -> dict[int, tuple[int, int, int]]:
    """(recorded, complete, submitted) per period, grouped in one query. SQL for the
    reason `_expected_subjects` is: building the grouped queryset cost more than running it."""
    if not periods:
        return {}
    states = sorted(SUBMITTED_STATES)
    sql = (
        "SELECT period_id, COUNT(*), COUNT(*) FILTER (WHERE complete),"
        f" COUNT(*) FILTER (WHERE state IN ({', '.join(['%s'] * len(states))}))"
        f" FROM {Record._meta.db_table}"  # noqa: S608 (no input)
        f" WHERE period_id IN ({', '.join(['%s'] * len(periods))})"
        " AND orgunit_path LIKE %s ESCAPE '\\' GROUP BY period_id"
    )
    like = connection.ops.prep_for_like_query(unit.path) + "%"
    params: list[str | int] = [*(str(state) for state in states), *(p.pk for p in periods), like]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (row[1], row[2], row[3]) for row in cursor.fetchall()}


# ---------------------------------------------------------------- the period page


@dataclass(frozen=True)
class SheetRow:
    """One expected subject (or the unit itself) and its record in the period, if any."""

    subject: Subject | None
    record: Record | None

    @property
    def status(self) -> str:
        return record_status(self.record)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def record_status(record: Record | None) -> str:
    if record is None:
        return "missing"
    if record.state == RecordState.DRAFT:
        return "complete" if record.complete else "draft"
    return str(record.state)


def expected_subjects(period: Period, unit: OrgUnit) -> QuerySet[Subject]:
    """The subjects a period expects under `unit`: active during it, of the dataset's kind."""
    return (
        Subject.objects.filter(kind=period.dataset.subject_kind, orgunit_path__startswith=unit.path)
        .filter(active_between(period.start, period.end))
        .select_related("orgunit")
        .order_by("orgunit_path", "name")
    )


def period_sheet(period: Period, unit: OrgUnit, page: str | None = None) -> Page[Any]:
    """A page of expected subjects with their records (the same few queries at any size)."""
    paginator: Paginator[Any] = Paginator(expected_subjects(period, unit), ROWS_PER_PAGE)
    subjects = paginator.get_page(page)
    records = Record.objects.filter(period=period, subject__in=list(subjects.object_list))
    by_subject = {r.subject_id: r for r in records}
    subjects.object_list = [SheetRow(s, by_subject.get(s.pk)) for s in subjects.object_list]
    return subjects


# ---------------------------------------------------------------- lookups for the screens


def get_period(fiscal_year: int, dataset_key: str, number: int) -> Period:
    """A period of a published dataset, or 404."""
    period = (
        Period.objects.filter(
            dataset__fiscal_year=fiscal_year,
            dataset__key=dataset_key,
            number=number,
            dataset__current__isnull=False,
        )
        .select_related("dataset", "dataset__current")
        .first()
    )
    if period is None:
        raise Http404
    return period


def definition_of(period: Period) -> DatasetDefinition:
    assert period.dataset.current is not None  # get_period only finds published datasets
    return period.dataset.current.parsed


def get_record_for_user(user: Any, record_id: int) -> Record:
    """The scoping helper for records: the record if the user may read its unit, else 404."""
    record = (
        Record.objects.filter(pk=record_id)
        .select_related(
            "period", "period__dataset", "dataset_version", "orgunit", "subject", "updated_by"
        )
        .first()
    )
    if record is None:
        raise Http404
    policy.require_view(user, record.orgunit)
    return record


def get_subject_for_user(user: Any, subject_id: int, kind: str) -> Subject:
    """A live subject of this kind that the user may read, else 404."""
    subject = (
        Subject.objects.filter(pk=subject_id, kind=kind, merged_into__isnull=True)
        .select_related("orgunit")
        .first()
    )
    if subject is None:
        raise Http404
    policy.require_view(user, subject.orgunit)
    return subject


def existing_record(
    period: Period, *, subject: Subject | None = None, unit: OrgUnit | None = None
) -> Record | None:
    """The record of a subject (or, without subjects, of a unit) in a period, if any."""
    if subject is not None:
        return Record.objects.filter(period=period, subject=subject).first()
    return Record.objects.filter(period=period, orgunit=unit, subject__isnull=True).first()


def villages_under(unit: OrgUnit, limit: int = 500) -> list[OrgUnit]:
    """Known villages under a unit, offered as suggestions for village-code fields."""
    return list(OrgUnit.objects.under(unit).filter(level=Level.VILLAGE)[:limit])
