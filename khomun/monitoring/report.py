"""The recording-result report (แบบรายงานผลการบันทึกข้อมูล, the form at the end of seed 001).

One row per period of a fiscal year whose department due date falls in a month, in
catalog order: the database, the period ("๒ (ก.ย)"), the total to record (expected)
and the records made, counted in the form's units: persons, networks, groups, places.

The figures come from `completeness.rollup` (one query for all periods), so the
report always agrees with the monitoring screen. A dataset with `unit_field` (a
record may be a group, a network or a person) is split by each record's value of
that field: one extra grouped query per such dataset.

Decisions, after the seed form:
- datasets whose period rule is monthly (OTOP sales, due every month) are left out
  unless asked for (`include_monthly`): the seed's September form leaves OTOP out;
- the seed's header names "กลุ่ม" twice; the report has one กลุ่ม column;
- the seed's unnumbered second กข.คจ. line ("๑ (ก.ย)") has no period behind it in
  the letter's schedule (period 1 is due in March) and is not reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.fields.json import KT
from django.utils.translation import gettext_lazy as _

from khomun.catalog.models import Dataset
from khomun.lib.thaidate import BE_OFFSET, thai_digits
from khomun.monitoring import completeness
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records.models import Record
from khomun.schedule.models import Period

# The form's count columns, in its order, and the catalog units counted in each.
COLUMNS = ("person", "network", "group", "place")
COLUMN_LABELS = {
    "person": _("คน"),
    "network": _("เครือข่าย"),
    "group": _("กลุ่ม"),
    "place": _("แห่ง"),
}
UNIT_COLUMN = {
    "person": "person",
    "network": "network",
    "group": "group",
    "producer": "group",
    "community": "group",
    "place": "place",
    "village": "place",
    "fund": "place",
    "activity": "place",
}
# As the form writes them: "ก.ย", without the final dot.
MONTH_ABBR = ("ม.ค", "ก.พ", "มี.ค", "เม.ย", "พ.ค", "มิ.ย", "ก.ค", "ส.ค", "ก.ย", "ต.ค", "พ.ย", "ธ.ค")
MONTHLY_RULE = "monthly"

TITLE = _("รายงานผลการบันทึกข้อมูล")
SUBTITLE = _("ฐานข้อมูลของกรมการพัฒนาชุมชน")
HEADERS = {
    "number": _("ที่"),
    "name": _("ชื่อฐานข้อมูล"),
    "period": _("งวดที่"),
    "expected": _("จำนวนข้อมูลทั้งหมด"),
    "recorded": _("จำนวนข้อมูลที่บันทึกแล้ว (หน่วยตามชื่อฐานข้อมูล)"),
    "note": _("หมายเหตุ"),
}


class ReportError(Exception):
    """A bad request for the report: the message names the argument, in Thai."""

    def __init__(self, message: str, argument: str) -> None:
        super().__init__(message)
        self.message = message
        self.argument = argument


@dataclass
class ReportRow:
    number: int
    dataset: Dataset
    period: Period
    expected: int
    recorded: int
    counts: dict[str, int] = field(default_factory=dict)  # only the columns that apply

    @property
    def name(self) -> str:
        return self.dataset.name_th

    @property
    def period_label(self) -> str:
        """ "๒ (ก.ย)": the period number and the month of its due date, as on the form."""
        return f"{thai_digits(self.period.number)} ({MONTH_ABBR[self.period.due.month - 1]})"

    @property
    def note(self) -> str:
        return self.period.note_th

    def count(self, column: str) -> int | None:
        """The records counted in a column, or None where the column does not apply."""
        return self.counts.get(column)


@dataclass
class Report:
    unit: OrgUnit
    fiscal_year: int
    month: int
    rows: list[ReportRow]

    @property
    def title_lines(self) -> list[str]:
        return [
            str(TITLE),
            str(SUBTITLE),
            f"{_('ประจำปี พ.ศ.')} {thai_digits(self.fiscal_year)}",
            self.place,
        ]

    @property
    def place(self) -> str:
        """ "จังหวัดลำปาง", or "อำเภอเมืองลำปาง จังหวัดลำปาง" for a district's report."""
        if self.unit.level == Level.PROVINCE or self.unit.parent is None:
            return self.unit.full_name_th
        return f"{self.unit.full_name_th} {self.unit.parent.full_name_th}"


def due_month(fiscal_year: int, month: int) -> tuple[int, int]:
    """(CE year, month) of month M within a fiscal year: October to December fall in
    the year before the fiscal year's own."""
    ce = fiscal_year - BE_OFFSET
    return (ce - 1 if month >= 10 else ce), month


def check_arguments(unit: OrgUnit | None, fiscal_year: int, month: int) -> None:
    if unit is None or unit.level not in (Level.PROVINCE, Level.DISTRICT):
        raise ReportError(str(_("จังหวัด: ไม่พบรหัสจังหวัดนี้")), "province")
    if not 1 <= month <= 12:
        raise ReportError(str(_("เดือน: ต้องเป็นเลข 1 ถึง 12 (ได้ %(m)s)") % {"m": month}), "month")
    if not Dataset.objects.filter(fiscal_year=fiscal_year, current__isnull=False).exists():
        raise ReportError(
            str(_("ปีงบประมาณ: ยังไม่มีฐานข้อมูลที่ประกาศใช้ในปี %(y)s") % {"y": fiscal_year}),
            "fiscal_year",
        )


def periods_due(fiscal_year: int, month: int, *, include_monthly: bool = False) -> list[Period]:
    """The periods of a fiscal year due (department's date) in a month, in catalog order."""
    year, month = due_month(fiscal_year, month)
    periods = (
        Period.objects.filter(
            dataset__fiscal_year=fiscal_year,
            dataset__current__isnull=False,
            due__year=year,
            due__month=month,
        )
        .select_related("dataset__current")
        .order_by("dataset__order", "dataset__key", "number")
    )
    return [p for p in periods if include_monthly or not _is_monthly(p.dataset)]


def _is_monthly(dataset: Dataset) -> bool:
    assert dataset.current is not None
    return dataset.current.parsed.periods.rule == MONTHLY_RULE


def build(unit: OrgUnit, fiscal_year: int, month: int, *, include_monthly: bool = False) -> Report:
    check_arguments(unit, fiscal_year, month)
    periods = periods_due(fiscal_year, month, include_monthly=include_monthly)
    figures = completeness.rollup(periods, unit, children=[])
    rows = []
    for number, period in enumerate(periods, start=1):
        total = figures[period.pk].total
        row = ReportRow(number, period.dataset, period, total.expected, total.recorded)
        row.counts = _split(period, unit, total.recorded)
        rows.append(row)
    return Report(unit, fiscal_year, month, rows)


def _split(period: Period, unit: OrgUnit, recorded: int) -> dict[str, int]:
    """The recorded count in the form's columns: all in the dataset's unit, or for a
    mixed dataset, per record by its unit field (an unknown value stays in the
    dataset's own column)."""
    dataset = period.dataset
    assert dataset.current is not None
    defn = dataset.current.parsed
    home = UNIT_COLUMN.get(dataset.unit, "place")
    if not defn.unit_field:
        return {home: recorded}
    choices = next((f.choices for f in defn.fields if f.key == defn.unit_field), ())
    counts = {UNIT_COLUMN.get(c.value, home): 0 for c in choices} | {home: 0}
    rows = (
        Record.objects.filter(period=period)
        .filter(completeness._counted_records([period], unit))
        .annotate(kind=KT(f"values__{defn.unit_field}"))
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        column = UNIT_COLUMN.get(row["kind"] or "", home)
        counts[column] = counts.get(column, 0) + row["n"]
    return counts
