"""The monitoring matrix: the children of a unit × the periods of a fiscal year.

Columns are the datasets of the year, each at one period (chosen by number, by
default the latest that has started), or the periods of one dataset. The figures
of every cell come from one `completeness.rollup` call for all columns at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

from khomun.catalog.models import Dataset
from khomun.monitoring.completeness import Figures, child_units, rollup
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import Period
from khomun.schedule.services import periods_for_year


@dataclass(frozen=True)
class Column:
    period: Period
    choices: tuple[int, ...]  # the dataset's period numbers, to choose from

    @property
    def options(self) -> list[tuple[int, str, bool]]:
        """(number, label, chosen) of each period to choose from: labelled here, as a
        `{% blocktranslate %}` per option took a tenth of the monitoring page's time."""
        label = gettext("งวดที่ %(n)s")
        return [(n, label % {"n": n}, n == self.period.number) for n in self.choices]


@dataclass
class Row:
    unit: OrgUnit
    cells: list[Figures]
    is_total: bool = False


@dataclass
class Matrix:
    unit: OrgUnit
    fiscal_year: int
    dataset: Dataset | None
    columns: list[Column]
    rows: list[Row]
    total: Row


def default_period(periods: list[Period], today: dt.date) -> Period:
    """The latest period that has started by `today`, else the first."""
    started = [p for p in periods if p.start <= today]
    return started[-1] if started else periods[0]


def columns_for(
    fiscal_year: int, dataset_key: str, chosen: Mapping[str, int], today: dt.date
) -> tuple[Dataset | None, list[Column]]:
    """The dataset shown alone (or None) and the columns of the matrix."""
    by_dataset: dict[str, list[Period]] = {}
    for period in periods_for_year(fiscal_year):
        by_dataset.setdefault(period.dataset.key, []).append(period)
    if dataset_key in by_dataset:
        periods = by_dataset[dataset_key]
        numbers = tuple(p.number for p in periods)
        return periods[0].dataset, [Column(p, numbers) for p in periods]
    columns = []
    for key, periods in by_dataset.items():
        numbers = tuple(p.number for p in periods)
        wanted = [p for p in periods if p.number == chosen.get(key)]
        columns.append(Column(wanted[0] if wanted else default_period(periods, today), numbers))
    return None, columns


def rows_of(unit: OrgUnit) -> list[OrgUnit]:
    """Whose rows a unit's matrix shows: its children, down to districts; a district
    shows itself (its subjects are listed on the period page)."""
    if unit.level in (Level.COUNTRY, Level.PROVINCE):
        return child_units(unit)
    return []


def build(
    unit: OrgUnit,
    fiscal_year: int,
    *,
    dataset_key: str = "",
    chosen: Mapping[str, int] | None = None,
    today: dt.date,
) -> Matrix:
    dataset, columns = columns_for(fiscal_year, dataset_key, chosen or {}, today)
    periods = [c.period for c in columns]
    children = rows_of(unit)
    figures = rollup(periods, unit, children)
    rows = [
        Row(child, [figures[p.pk].children[i][1] for p in periods])
        for i, child in enumerate(children)
    ]
    total = Row(unit, [figures[p.pk].total for p in periods], is_total=True)
    return Matrix(unit, fiscal_year, dataset, columns, rows, total)


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """By name (the unit code order) or by the completeness of column `key` (0-based);
    cells that expect nothing go last either way."""
    if key.isdigit():
        index = int(key)
        if 0 <= index < (len(rows[0].cells) if rows else 0):
            present = [r for r in rows if r.cells[index].complete_rate is not None]
            absent = [r for r in rows if r.cells[index].complete_rate is None]
            present.sort(key=lambda r: r.cells[index].complete_rate or 0.0, reverse=descending)
            return present + absent
    if key == "name":
        return sorted(rows, key=lambda r: r.unit.name_th, reverse=descending)
    return sorted(rows, key=lambda r: r.unit.code, reverse=descending)
