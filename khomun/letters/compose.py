"""What a letter says, made from live data: the schedule letter (seed 000) and the
reminder letter to districts still missing data (seed 001).

Composition reads the catalog, the schedule and the completeness figures and returns
a `LetterContent` with every text final (Thai digits). It takes no number: the
register gives one when the letter is stored (`services.generate_letter`).
The letter text is always Thai, whatever the language of the screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone, translation

from khomun.catalog.models import Dataset
from khomun.letters import templating
from khomun.letters.choices import LetterType
from khomun.letters.content import Enclosure, LetterContent, LetterKind, TableRow
from khomun.letters.defaults import LetterSetup, setup_for
from khomun.lib.thaidate import BE_OFFSET, format_date, thai_digits
from khomun.monitoring import completeness, report
from khomun.monitoring.completeness import Figures
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import Period
from khomun.schedule.services import province_deadlines

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
CENTER = "ศูนย์ข้อมูลกลางเพื่อการบริหารจัดเก็บและใช้ประโยชน์ กรมการพัฒนาชุมชน"
SCHEDULE_COLUMNS = [
    "ที่", "ชื่อฐานข้อมูล", "กำหนดการบันทึกข้อมูล", "อำเภอ", "จังหวัด", "กลุ่มงานที่รับผิดชอบ", "หมายเหตุ",
]  # fmt: skip
RESULT_COLUMNS = [
    "ที่", "ชื่อฐานข้อมูล", "งวดที่", "จำนวนข้อมูลทั้งหมด", "คน", "เครือข่าย", "กลุ่ม", "แห่ง", "หมายเหตุ",
]  # fmt: skip
MISSING_COLUMNS = ["ที่", "อำเภอ", "ฐานข้อมูล / งวด", "ต้องบันทึก", "บันทึกครบถ้วนแล้ว", "ยังขาด"]
MARK = "✓"
# Days given to report back when the caller names no date.
REPORT_BACK_DAYS = 7


class ComposeError(Exception):
    """A letter that cannot be made from these arguments; Thai, naming the argument."""

    def __init__(self, message: str, argument: str) -> None:
        super().__init__(message)
        self.message = message
        self.argument = argument


@dataclass
class DistrictGap:
    """A district with work still to do in the periods due in a month."""

    unit: OrgUnit
    items: list[tuple[Period, Figures]]

    @property
    def missing(self) -> int:
        return sum(f.expected - f.complete for _p, f in self.items)

    @property
    def summary(self) -> str:
        """ "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต งวดที่ ๔ ขาด ๓ จาก ๑๐" for each item."""
        parts = [
            f"{p.dataset.name_th} งวดที่ {p.number} ขาด {f.expected - f.complete} จาก {f.expected}"
            for p, f in self.items
        ]
        return thai_digits("; ".join(parts))


# ---------------------------------------------------------------- arguments


def check_province(province: OrgUnit | None) -> OrgUnit:
    if province is None or province.level != Level.PROVINCE or not province.has_cdd_office:
        raise ComposeError("จังหวัด: ไม่พบรหัสจังหวัดนี้ หรือจังหวัดนี้ไม่มีสำนักงานพัฒนาชุมชน", "province")
    return province


def published_datasets(fiscal_year: int) -> list[Dataset]:
    datasets = list(
        Dataset.objects.filter(fiscal_year=fiscal_year, current__isnull=False)
        .select_related("current")
        .order_by("order", "key")
    )
    if not datasets:
        raise ComposeError(f"ปีงบประมาณ: ยังไม่มีฐานข้อมูลที่ประกาศใช้ในปี {fiscal_year}", "fiscal_year")
    return datasets


def check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ComposeError(f"เดือน: ต้องเป็นเลข 1 ถึง 12 (ได้ {month})", "month")


def month_text(fiscal_year: int, month: int) -> str:
    """ "กันยายน ๒๕๖๑": a month of a fiscal year with its own BE year."""
    year_ce, _m = report.due_month(fiscal_year, month)
    return thai_digits(f"{THAI_MONTHS[month - 1]} {year_ce + BE_OFFSET}")


# ---------------------------------------------------------------- the schedule table


def periods_text(dataset: Dataset) -> str:
    """ "๑ งวด (กันยายน)", "๔ งวด งวดที่ ๑ : ๒๐ ธันวาคม ...", "ทุกวันที่ ๑๐ ของเดือน"."""
    assert dataset.current is not None
    rule = dataset.current.parsed.periods
    if rule.rule == "monthly":
        return thai_digits(f"ทุกวันที่ {rule.day} ของเดือน")
    dues = [due.split("-") for due in rule.due]
    count = f"{len(dues)} งวด"
    if any(len(due) > 1 for due in dues):
        parts = [
            f"งวดที่ {n} : {due[1].lstrip('0') if len(due) > 1 else ''} "
            f"{THAI_MONTHS[int(due[0]) - 1]}"
            for n, due in enumerate(dues, start=1)
        ]
        return thai_digits(" ".join([count, *(" ".join(p.split()) for p in parts)]))
    months = [THAI_MONTHS[int(due[0]) - 1] for due in dues]
    joined = months[0] if len(months) == 1 else " ".join(months[:-1]) + " และ " + months[-1]
    return thai_digits(f"{count} ({joined})")


def _notes_text(dataset: Dataset) -> str:
    assert dataset.current is not None
    notes = dataset.current.parsed.periods.notes_th
    return thai_digits(" ".join(f"งวดที่ {n}: {text}" for n, text in sorted(notes.items())))


def schedule_table(setup: LetterSetup, fiscal_year: int) -> Enclosure:
    """The recording schedule of a fiscal year, grouped by the bureau owning each database."""
    datasets = published_datasets(fiscal_year)
    rows: list[TableRow] = []
    owner = None
    for number, dataset in enumerate(datasets, start=1):
        assert dataset.current is not None
        defn = dataset.current.parsed
        if defn.owner_th != owner:
            owner = defn.owner_th
            rows.append(TableRow([f"ฐานข้อมูล{owner}"], is_group=True))
        cells = [
            thai_digits(number),
            thai_digits(dataset.name_th),
            periods_text(dataset),
            MARK if "district" in defn.levels else "",
            MARK if "province" in defn.levels else "",
            setup.working_groups.get(defn.working_group, defn.working_group),
            _notes_text(dataset),
        ]
        rows.append(TableRow(cells))
    title = thai_digits(f"กำหนดการจัดเก็บและบันทึกข้อมูลศูนย์ข้อมูลกลางฯ ประจำปี พ.ศ. {fiscal_year}")
    return Enclosure(title=title, heading=[title], columns=list(SCHEDULE_COLUMNS), rows=rows)


# ---------------------------------------------------------------- what is missing


def districts_missing(province: OrgUnit, fiscal_year: int, month: int) -> list[DistrictGap]:
    """The districts with expected work not yet complete in the periods due in a month
    (a fixed handful of queries: `completeness.rollup` counts all districts at once)."""
    check_month(month)
    # Monthly OTOP sales count too: a district late with them is late that month. (The
    # recording-result form leaves them out, as the seed's form does.)
    periods = report.periods_due(fiscal_year, month, include_monthly=True)
    figures = completeness.rollup(periods, province)
    by_district: dict[int, DistrictGap] = {}
    for period in periods:
        for unit, f in figures[period.pk].children:
            if f.expected > f.complete:
                gap = by_district.setdefault(unit.pk, DistrictGap(unit, []))
                gap.items.append((period, f))
    return sorted(by_district.values(), key=lambda gap: gap.unit.code)


def _missing_table(gaps: Sequence[DistrictGap]) -> Enclosure:
    rows = []
    for number, gap in enumerate(gaps, start=1):
        for index, (period, f) in enumerate(gap.items):
            first = index == 0
            cells = [
                thai_digits(number) if first else "",
                gap.unit.full_name_th if first else "",
                thai_digits(f"{period.dataset.name_th} งวดที่ {period.number}"),
                thai_digits(f.expected),
                thai_digits(f.complete),
                thai_digits(f.expected - f.complete),
            ]
            rows.append(TableRow(cells))
    title = "บัญชีรายชื่ออำเภอที่ยังบันทึกข้อมูลไม่ครบถ้วน"
    return Enclosure(title=title, heading=[title], columns=list(MISSING_COLUMNS), rows=rows)


def result_form(province: OrgUnit, fiscal_year: int, month: int) -> Enclosure:
    """The recording-result form (แบบรายงานผลการบันทึกข้อมูล), filled by `monitoring.report`."""
    built = report.build(province, fiscal_year, month)

    def count(value: int | None) -> str:
        return "-" if value is None else thai_digits(value)

    rows = [
        TableRow(
            [
                thai_digits(row.number),
                thai_digits(row.name),
                row.period_label,
                thai_digits(row.expected),
                *(count(row.count(column)) for column in report.COLUMNS),
                thai_digits(row.note),
            ]
        )
        for row in built.rows
    ]
    heading = [thai_digits(line) for line in built.title_lines]
    return Enclosure(
        title="แบบรายงานผลการบันทึกฐานข้อมูลฯ",
        heading=heading,
        columns=list(RESULT_COLUMNS),
        rows=rows,
    )


# ---------------------------------------------------------------- the letters


def addressee(kind: str, districts: Sequence[OrgUnit], everyone: bool) -> str:
    """ "นายอำเภอทุกอำเภอ", "นายอำเภอเมืองลำปาง", or a list joined with "และ";
    a memo goes to the district offices' heads (พัฒนาการอำเภอ)."""
    title = "พัฒนาการ" if kind == LetterKind.MEMO else "นาย"
    if everyone:
        return f"{title}อำเภอทุกอำเภอ"
    names = [f"{title}{unit.full_name_th}" for unit in districts]
    return names[0] if len(names) == 1 else " ".join(names[:-1]) + " และ" + names[-1]


def _frame(
    setup: LetterSetup, kind: str, subject: str, to: str, body: list[str], when: dt.date
) -> LetterContent:
    memo = kind == LetterKind.MEMO
    return LetterContent(
        kind=kind,
        number="",
        date=format_date(when, digits=True),
        subject=subject,
        addressee=to,
        body=body,
        signer_name=setup.signer_name,
        signer_position=setup.memo_signer_position if memo else setup.signer_position,
        contact=[] if memo else setup.contact,
        office_name="" if memo else setup.office_name,
        office_address=[] if memo else setup.address,
        department_line=setup.department_line if memo else "",
        closing="" if memo else "ขอแสดงความนับถือ",
        crest_png=setup.crest,
    )


def _common_values(province: OrgUnit, fiscal_year: int, reference: str) -> dict[str, str]:
    return {
        "province": province.full_name_th,
        "fiscal_year": thai_digits(fiscal_year),
        "dataset_count": thai_digits(len(published_datasets(fiscal_year))),
        "reference_intro": "ตามหนังสือที่อ้างถึง " if reference.strip() else "",
    }


def schedule_letter(
    province: OrgUnit,
    fiscal_year: int,
    *,
    kind: str = LetterKind.EXTERNAL,
    reference: str = "",
    date: dt.date | None = None,
) -> LetterContent:
    """Seed 000: the year's recording schedule to every district."""
    with translation.override("th"):
        check_province(province)
        setup = setup_for(province)
        table = schedule_table(setup, fiscal_year)
        values = _common_values(province, fiscal_year, reference)
        body = templating.fill(setup.bodies[LetterType.SCHEDULE], values)
        subject = thai_digits(f"การบันทึกข้อมูล{CENTER} ปี พ.ศ. {fiscal_year}")
        districts = completeness.child_units(province)
        content = _frame(
            setup, kind, subject, addressee(kind, districts, True), body, date or _today()
        )
        return _with(content, reference=thai_digits(reference.strip()), enclosures=[table])


def reminder_letter(
    province: OrgUnit,
    fiscal_year: int,
    month: int,
    districts: Sequence[str] | None = None,
    kind: str = LetterKind.EXTERNAL,
    reference: str = "",
    *,
    date: dt.date | None = None,
    report_by: dt.date | None = None,
) -> LetterContent:
    """Seed 001: to the districts still missing data for the periods due in `month`
    (all of them, or the chosen `districts` codes among them)."""
    content, _chosen = reminder_with_recipients(
        province, fiscal_year, month, districts, kind, reference, date=date, report_by=report_by
    )
    return content


def reminder_with_recipients(
    province: OrgUnit,
    fiscal_year: int,
    month: int,
    districts: Sequence[str] | None = None,
    kind: str = LetterKind.EXTERNAL,
    reference: str = "",
    *,
    date: dt.date | None = None,
    report_by: dt.date | None = None,
) -> tuple[LetterContent, list[DistrictGap]]:
    with translation.override("th"):
        check_province(province)
        setup = setup_for(province)
        chosen = choose_districts(province, fiscal_year, month, districts)
        when = date or _today()
        periods = report.periods_due(fiscal_year, month, include_monthly=True)
        values = _common_values(province, fiscal_year, reference) | {
            "month": month_text(fiscal_year, month),
            "due_count": thai_digits(len({p.dataset_id for p in periods})),
            "due_date": format_date(_due_date(province, periods), digits=True),
            "report_by": format_date(
                report_by or when + dt.timedelta(days=REPORT_BACK_DAYS), digits=True
            ),
            "districts": " ".join(gap.unit.full_name_th for gap in chosen),
        }
        body = templating.fill(setup.bodies[LetterType.REMINDER], values)
        everyone = {gap.unit.pk for gap in chosen} == {
            unit.pk for unit in completeness.child_units(province)
        }
        to = addressee(kind, [gap.unit for gap in chosen], everyone)
        subject = thai_digits(f"เร่งรัดการบันทึกข้อมูล{CENTER} ปี พ.ศ. {fiscal_year}")
        enclosures = [
            schedule_table(setup, fiscal_year),
            result_form(province, fiscal_year, month),
            _missing_table(chosen),
        ]
        content = _frame(setup, kind, subject, to, body, when)
        content = _with(content, reference=thai_digits(reference.strip()), enclosures=enclosures)
        return content, chosen


def choose_districts(
    province: OrgUnit, fiscal_year: int, month: int, codes: Sequence[str] | None
) -> list[DistrictGap]:
    """The districts a reminder goes to: those missing data, or the chosen ones of them."""
    published_datasets(fiscal_year)
    gaps = districts_missing(province, fiscal_year, month)
    if codes is not None:
        by_code = {gap.unit.code: gap for gap in gaps}
        for code in codes:
            if code not in by_code:
                unit = OrgUnit.objects.filter(code=code, parent=province).first()
                if unit is None:
                    raise ComposeError(
                        f"อำเภอ: ไม่พบอำเภอรหัส {code} ใน{province.full_name_th}", "districts"
                    )
                raise ComposeError(
                    f"อำเภอ: {unit.full_name_th} บันทึกข้อมูลงวดเดือนนี้ครบถ้วนแล้ว", "districts"
                )
        gaps = [by_code[code] for code in sorted(set(codes))]
    if not gaps:
        raise ComposeError(
            f"ไม่มีอำเภอที่ยังบันทึกข้อมูลไม่ครบในงวดเดือน{month_text(fiscal_year, month)}", "districts"
        )
    return gaps


def _due_date(province: OrgUnit, periods: Sequence[Period]) -> dt.date:
    """The latest due date of the month's periods, the province's own where it set one."""
    if not periods:
        return _today()
    own = province_deadlines(list(periods), province.code)
    return max(own.get((p.pk, province.code), p.due) for p in periods)


def _today() -> dt.date:
    return timezone.localdate()


def _with(content: LetterContent, **changes: object) -> LetterContent:
    from dataclasses import replace

    return replace(content, **changes)  # type: ignore[arg-type]
