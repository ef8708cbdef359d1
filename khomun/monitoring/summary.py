"""Completeness figures per period and area, kept current by the writes.

Counting the whole country live means aggregating every subject and record of a
period (80,000 OTOP producers, 76,000 sales records): 250-350 ms on two cores. The
figures of each period are instead kept per area (`AreaFigures`: a district, or a
province or the country for what is recorded at that level), and the country is a
sum of at most a thousand rows.

How the rows stay right without a writer ever counting:

- A writer of records or subjects bumps the `version` of the (period, area) rows it
  affects, after its write and in its own transaction (`touch_record`,
  `touch_subject`, `touch`). The bump is an upsert, so it also makes the row when it
  did not exist, and it holds the row's lock until the writer commits.
- A reader (`district_figures`) takes the rows of the areas under its unit. A row is
  current when `built_version == version`. Stale rows are recounted live (only
  their areas, in one count) and written back only `WHERE version = <the version read before
  counting>`: a writer that committed in between, or still holds the row, makes that
  update miss, so the row stays stale and the next reader counts again. A period never
  read has no rows: its first reader counts it for the whole country in one pass and
  stores a row for every area with anything to count, plus a marker row (area `*`).
  In a period with its marker, an area without a row counts zero: any write there
  makes the row.
- A province's own deadline moves only submitted records between on time and late:
  it bumps the rows of that province. Changes that can make an empty area count (a
  period's dates, a dataset's levels or kind) drop the rows of the periods
  concerned, which are then rebuilt on the next read. A unit's change marks the
  periods of the datasets recorded at its level; a unit deleted drops every row.

Object saves through the ORM reach these hooks by Django signals (`connect`);
deletes, queryset updates and bulk writes call them themselves. `khomun figures
check` compares every stored row with a live count and repairs what differs (the
nightly task runs it), so a writer that forgot would show, not hide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from khomun.monitoring.completeness import FIGURE_NAMES, Figures, figures_by_prefix_live
from khomun.monitoring.models import AreaFigures
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit

MARKER = "*"  # the row that says a period's rows were made for every area
DISTRICT_KEY_LENGTH = len("TH/52/5201/")
# Above this many areas with stale figures a reader recounts its whole unit at once.
AREAS_ONE_BY_ONE = 60
_CHUNK = 500


def area_of(path: str) -> str:
    """The area a path counts in: its district, or the province or country itself."""
    parts = path.split("/")  # "TH/52/5201/520101/" → TH, 52, 5201, 520101, ""
    return "/".join(parts[:3]) + "/" if len(parts) > 4 else path


# ---------------------------------------------------------------- writers


def _columns() -> str:
    return "period_id, area, version, built_version, " + ", ".join(FIGURE_NAMES)


def _new_row_values() -> str:
    return "1, NULL, " + ", ".join("0" for _ in FIGURE_NAMES)


def touch(pairs: Iterable[tuple[int, str]]) -> None:
    """Mark the figures of these (period id, path) pairs stale."""
    rows = sorted({(period_id, area_of(path)) for period_id, path in pairs if path})
    table = AreaFigures._meta.db_table
    with connection.cursor() as cursor:
        # Sorted, so that two writers take the row locks in the same order.
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            values = ", ".join(f"(%s, %s, {_new_row_values()})" for _ in chunk)
            cursor.execute(
                f"INSERT INTO {table} ({_columns()}) VALUES {values} "
                f"ON CONFLICT (period_id, area) DO UPDATE SET version = {table}.version + 1",
                [value for pair in chunk for value in pair],
            )


def touch_kind(kind: str, paths: Iterable[str]) -> None:
    """Mark stale every period of the datasets about `kind` subjects in these areas
    (a subject added, moved, dissolved or merged changes what they expect)."""
    from khomun.catalog.models import Dataset
    from khomun.schedule.models import Period

    areas = sorted({area_of(path) for path in paths if path})
    if not kind or not areas:
        return
    table = AreaFigures._meta.db_table
    periods = Period._meta.db_table
    datasets = Dataset._meta.db_table
    # One statement, the rows in `touch`'s order (period, then area): a writer and a
    # reader building the figures take the rows in the same order, never crosswise.
    listed = ", ".join(f"(%s, {n})" for n in range(len(areas)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH a (area, n) AS (VALUES {listed}) "
            f"INSERT INTO {table} ({_columns()}) "
            f"SELECT p.id, a.area, {_new_row_values()} FROM {periods} p "
            f"JOIN {datasets} d ON d.id = p.dataset_id CROSS JOIN a WHERE d.subject_kind = %s "
            f"ORDER BY p.id, a.n "
            f"ON CONFLICT (period_id, area) DO UPDATE SET version = {table}.version + 1",
            [*areas, kind],
        )


def touch_record(record: Any) -> None:
    """Mark stale the figures a record counts in: its subject's area and its office's."""
    from khomun.records.models import Record, Subject

    paths = {record.orgunit_path}
    if Record.subject.is_cached(record):
        if record.subject is not None:
            paths.add(record.subject.orgunit_path)
    elif record.subject_id:
        paths.update(
            Subject.objects.filter(pk=record.subject_id).values_list("orgunit_path", flat=True)
        )
    touch((record.period_id, path) for path in paths)


def touch_subject(subject: Any) -> None:
    """Mark stale what a subject's change may move: its area now and where it was."""
    touch_kind(subject.kind, {subject.orgunit_path, getattr(subject, "loaded_path", "") or ""})


def touch_periods(period_ids: Iterable[int], under: str = "") -> None:
    """Mark stale every stored area of these periods (under a path, if given)."""
    ids = list(period_ids)
    if not ids:
        return
    rows = AreaFigures.objects.filter(period_id__in=ids).exclude(area=MARKER)
    if under:
        rows = rows.filter(area__startswith=under)
    table = AreaFigures._meta.db_table
    sql, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET version = version + 1 WHERE id IN ({sql})", params)


def forget_periods(period_ids: Iterable[int]) -> None:
    """Drop the stored figures of these periods: rebuilt on the next read."""
    AreaFigures.objects.filter(period_id__in=list(period_ids)).delete()


def forget_all() -> None:
    """Drop every stored figure (a unit deleted, a load written past the hooks):
    rebuilt on the next reads."""
    AreaFigures.objects.all().delete()


# ---------------------------------------------------------------- signals


def _record_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    touch_record(instance)


def _subject_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    touch_subject(instance)
    instance.loaded_path = instance.orgunit_path  # where the next save moves it from


def _period_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created:
        forget_periods([instance.pk])


def _deadline_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    touch_periods([instance.period_id], under=instance.province.path)


def _dataset_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if not created:
        forget_periods(instance.periods.values_list("pk", flat=True))


def _orgunit_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A unit counts only for the datasets recorded by units themselves at its level
    (a new village, made when a subject is registered in it, moves nothing else)."""
    from khomun.schedule.models import Period

    periods = Period.objects.filter(dataset__subject_kind="").select_related("dataset")
    touch((p.pk, instance.path) for p in periods if instance.level in p.dataset.levels)


def _orgunit_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_all()


def connect() -> None:
    """Hook the writers above to object saves and deletes (MonitoringConfig.ready)."""
    from khomun.catalog.models import Dataset
    from khomun.records.models import Record, Subject
    from khomun.schedule.models import Period, ProvinceDeadline

    # No delete hooks on records and subjects: with a receiver, Django would load every
    # row of a mass delete to signal it. `delete_record` and the generator's reset say it.
    post_save.connect(_record_saved, sender=Record, dispatch_uid="summary-Record-save")
    post_save.connect(_subject_saved, sender=Subject, dispatch_uid="summary-Subject-save")
    post_save.connect(_deadline_saved, sender=ProvinceDeadline, dispatch_uid="summary-PD-save")
    post_delete.connect(_deadline_saved, sender=ProvinceDeadline, dispatch_uid="summary-PD-del")
    post_save.connect(_period_saved, sender=Period, dispatch_uid="summary-Period-save")
    post_save.connect(_dataset_saved, sender=Dataset, dispatch_uid="summary-Dataset-save")
    post_save.connect(_orgunit_saved, sender=OrgUnit, dispatch_uid="summary-OrgUnit-save")
    post_delete.connect(_orgunit_deleted, sender=OrgUnit, dispatch_uid="summary-OrgUnit-del")


# ---------------------------------------------------------------- readers


def district_figures(periods: Sequence[Any], unit: OrgUnit) -> dict[int, dict[str, Any]]:
    """Current figures of each period under `unit` (a province or the country), per
    area: {period id: {area path: Figures}}, areas with nothing left out, as a live
    count grouped by district would give."""
    by_pk = {p.pk: p for p in periods}
    rows = list(
        AreaFigures.objects.filter(period_id__in=list(by_pk))
        .filter(Q(area__startswith=unit.path) | Q(area=MARKER))
        .values_list("pk", "period_id", "area", "version", "built_version", *FIGURE_NAMES)
    )
    built = {row[1] for row in rows if row[2] == MARKER}
    unbuilt = [p for pk, p in by_pk.items() if pk not in built]
    counted: dict[int, dict[str, Figures]] = {}
    if unbuilt:
        counted.update(_build(unbuilt, unit))
    stale = [row for row in rows if row[2] != MARKER and row[1] in built and row[4] != row[3]]
    if stale:
        fresh = _recount(by_pk, stale, unit)
        _store(stale, fresh)
        for (period_id, area), figures in fresh.items():
            counted.setdefault(period_id, {})[area] = figures
    result: dict[int, dict[str, Any]] = {pk: {} for pk in by_pk}
    for row in rows:
        period_id, area = row[1], row[2]
        if area == MARKER or period_id not in built:
            continue
        figures = counted.get(period_id, {}).get(area)
        if figures is None:
            figures = Figures(*row[5:])
        if any(getattr(figures, name) for name in FIGURE_NAMES):
            result[period_id][area] = figures
    for period_id, by_area in counted.items():
        if period_id in built:
            continue
        for area, figures in by_area.items():
            if area.startswith(unit.path):
                result[period_id][area] = figures
    return result


def _live(
    periods: Sequence[Any], unit: OrgUnit, within: Sequence[str] = ()
) -> dict[int, dict[str, Any]]:
    return figures_by_prefix_live(periods, unit, DISTRICT_KEY_LENGTH, within)


def _build(periods: Sequence[Any], unit: OrgUnit) -> dict[int, dict[str, Any]]:
    """Count these periods for the whole country and store a row for every area with
    anything to count (an area without a row counts zero until a writer makes one)."""
    country = unit if unit.level == Level.COUNTRY else OrgUnit.objects.get(level=Level.COUNTRY)
    counted = _live(periods, country)
    new = []
    for period in periods:
        for area, figures in counted[period.pk].items():
            values = {name: getattr(figures, name) for name in FIGURE_NAMES}
            new.append(AreaFigures(period_id=period.pk, area=area, built_version=0, **values))
        new.append(AreaFigures(period_id=period.pk, area=MARKER, built_version=0))
    # A row a writer made meanwhile is kept: it is stale, so the next reader recounts it.
    # Sorted as `touch` sorts: two readers building at once, or a reader and a writer
    # taking two rows, then wait for each other in one order and never deadlock.
    new.sort(key=lambda row: (row.period_id, row.area))
    AreaFigures.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return counted


def _recount(
    by_pk: dict[int, Any], stale: list[tuple[Any, ...]], unit: OrgUnit
) -> dict[tuple[int, str], Any]:
    """Live figures of the stale (period, area) pairs: one count over just those areas
    (over the whole unit when there are many)."""
    areas = sorted({row[2] for row in stale})
    whole = len(areas) > AREAS_ONE_BY_ONE or unit.path in areas
    period_ids = sorted({row[1] for row in stale})
    live = _live([by_pk[pk] for pk in period_ids], unit, () if whole else areas)
    return {(row[1], row[2]): live[row[1]].get(row[2], Figures()) for row in stale}


def _store(stale: list[tuple[Any, ...]], fresh: dict[tuple[int, str], Any]) -> None:
    """Write recounted figures back, each row only if no writer bumped it meanwhile
    (one statement per 500 rows).

    A row a writer holds (its bump not committed yet) is skipped rather than waited
    for, where the database can (PostgreSQL): the bump will make this count stale
    anyway, and a reader waiting there held the rows it had already written, so
    writers queued behind it."""
    rows = []
    for row in stale:
        figures = fresh.get((row[1], row[2]))
        if figures is not None:
            rows.append((row[0], row[3], *(getattr(figures, name) for name in FIGURE_NAMES)))
    table = AreaFigures._meta.db_table
    names = ("id", "version", *FIGURE_NAMES)
    one = "(" + ", ".join("CAST(%s AS INTEGER)" for _ in names) + ")"
    assignments = ", ".join(f"{name} = v.{name}" for name in FIGURE_NAMES)
    free = ""
    if connection.features.has_select_for_update_skip_locked:
        free = (
            f", free AS (SELECT t.id FROM {table} t JOIN v ON t.id = v.id "
            "WHERE t.version = v.version ORDER BY t.id FOR UPDATE OF t SKIP LOCKED)"
        )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            cursor.execute(
                f"WITH v ({', '.join(names)}) AS (VALUES {', '.join(one for _ in chunk)}){free} "
                f"UPDATE {table} SET built_version = v.version, {assignments} FROM v "
                f"WHERE {table}.id = v.id AND {table}.version = v.version"
                + (f" AND {table}.id IN (SELECT id FROM free)" if free else ""),
                [value for row in chunk for value in row],
            )


# ---------------------------------------------------------------- checking


def check(periods: Sequence[Any], repair: bool = False) -> list[tuple[int, str, str]]:
    """Stored rows that differ from a live count: (period id, area, what differs).
    With `repair`, those rows are marked stale, to be recounted on the next read."""
    country = OrgUnit.objects.get(level=Level.COUNTRY)
    live = _live(periods, country)
    wrong: list[tuple[int, str, str]] = []
    rows = AreaFigures.objects.filter(period__in=list(periods), built_version__isnull=False)
    rows = rows.exclude(area=MARKER)
    for row in rows.values_list("period_id", "area", "version", "built_version", *FIGURE_NAMES):
        period_id, area, version, built_version = row[:4]
        if version != built_version:
            continue  # stale already: the next reader recounts it
        figures = live[period_id].get(area)
        stored = dict(zip(FIGURE_NAMES, row[4:], strict=True))
        counted = {name: getattr(figures, name) if figures else 0 for name in FIGURE_NAMES}
        if stored != counted:
            differs = ", ".join(
                f"{name} {stored[name]}→{counted[name]}"
                for name in FIGURE_NAMES
                if stored[name] != counted[name]
            )
            wrong.append((period_id, area, differs))
    if repair and wrong:
        touch((period_id, area) for period_id, area, _ in wrong)
    return wrong


def built_periods(fiscal_year: int | None = None) -> list[Any]:
    """The periods with stored figures (of one fiscal year, if given)."""
    from khomun.schedule.models import Period

    built = AreaFigures.objects.filter(area=MARKER).values("period_id")
    periods = Period.objects.filter(pk__in=built).select_related("dataset")
    if fiscal_year is not None:
        periods = periods.filter(dataset__fiscal_year=fiscal_year)
    return list(periods.order_by("pk"))
