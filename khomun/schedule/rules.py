"""Reporting-period rules of the Thai fiscal year, as pure functions.

A dataset's catalog file carries a `periods` mapping (rule, due dates, notes,
grace and lock days). `parse_rule` checks it and turns it into a `PeriodRule`;
`generate_periods` lays that rule over one fiscal year (BE) as dated periods;
`submission_status` says where a record stands against its deadline.

Fiscal year N (BE) runs 1 October N-1 to 30 September N: FY2562 is
1 Oct 2018 .. 30 Sep 2019 CE. Errors are `RuleError`s in Thai that name the key.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pythainlp.util import thai_strftime

from khomun.lib.thaidate import ENGLISH_MONTHS, fiscal_year, fiscal_year_bounds, format_date

MONTHLY = "monthly"
QUARTERLY = "quarterly"
TWICE_YEARLY = "twice_yearly"
YEARLY = "yearly"
# How many due dates each dated rule lists.
DUE_COUNTS = {QUARTERLY: 4, TWICE_YEARLY: 2, YEARLY: 1}
KINDS = (MONTHLY, *DUE_COUNTS)
KEYS = ("rule", "due", "day", "notes_th", "notes_en", "grace_days", "lock_days")

DEFAULT_GRACE_DAYS = 0
DEFAULT_LOCK_DAYS = 30
# Day 29+ does not exist in every month, so a monthly due day stops at 28.
MAX_MONTHLY_DAY = 28

ON_TIME = "on_time"
LATE = "late"
MISSING_OPEN = "missing_open"
MISSING_OVERDUE = "missing_overdue"
LOCKED = "locked"
STATUSES = (ON_TIME, LATE, MISSING_OPEN, MISSING_OVERDUE, LOCKED)


class RuleError(ValueError):
    """A period rule or deadline that cannot be used; the message is Thai and names the key."""


class FrozenMap(Mapping[int, str]):
    """A read-only, hashable mapping, so that a PeriodRule can be a dict key or cached."""

    def __init__(self, items: Mapping[int, str] | None = None) -> None:
        self._data = dict(sorted((items or {}).items()))

    def __getitem__(self, key: int) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(tuple(self._data.items()))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@dataclass(frozen=True)
class PeriodRule:
    kind: str
    due: tuple[tuple[int, int | None], ...]  # (month, day or None = last day), fiscal order
    day: int | None  # monthly only: due on this day of the following month
    notes_th: Mapping[int, str]
    notes_en: Mapping[int, str]
    grace_days: int
    lock_days: int

    def __post_init__(self) -> None:
        # Accept plain lists and dicts from callers but keep the rule hashable.
        object.__setattr__(self, "due", tuple(tuple(pair) for pair in self.due))
        object.__setattr__(self, "notes_th", FrozenMap(self.notes_th))
        object.__setattr__(self, "notes_en", FrozenMap(self.notes_en))

    @property
    def period_count(self) -> int:
        return 12 if self.kind == MONTHLY else len(self.due)


@dataclass(frozen=True)
class PeriodSpec:
    number: int
    start: dt.date
    end: dt.date
    due: dt.date  # the department's due date
    on_time_until: dt.date  # due + grace days: the last day that still counts as on time
    lock: dt.date  # due + lock days: the last day the period accepts records
    note_th: str
    note_en: str
    label_th: str
    label_en: str


# --- Parsing -----------------------------------------------------------------


def parse_rule(data: Mapping[str, object]) -> PeriodRule:
    """Check a catalog's `periods` mapping (or a mapping holding `periods`) and build the rule."""
    if "periods" in data and "rule" not in data:
        data = _mapping(data["periods"], "periods")
    unknown = sorted(str(key) for key in data if key not in KEYS)
    if unknown:
        raise RuleError(f"periods.{unknown[0]}: ไม่รู้จักคีย์นี้ (ใช้ได้: {', '.join(KEYS)})")
    kind = _parse_kind(data.get("rule"))
    due, day = _parse_schedule(kind, data.get("due"), data.get("day"))
    count = 12 if kind == MONTHLY else len(due)
    grace_days = _non_negative(data.get("grace_days", DEFAULT_GRACE_DAYS), "grace_days")
    lock_days = _non_negative(data.get("lock_days", DEFAULT_LOCK_DAYS), "lock_days")
    if lock_days < grace_days:
        raise RuleError(
            f"periods.lock_days: ต้องไม่น้อยกว่า grace_days ({grace_days}) มิฉะนั้นงวดจะปิดก่อนหมดเวลาผ่อนผัน"
        )
    return PeriodRule(
        kind=kind,
        due=due,
        day=day,
        notes_th=_parse_notes(data.get("notes_th"), "notes_th", count),
        notes_en=_parse_notes(data.get("notes_en"), "notes_en", count),
        grace_days=grace_days,
        lock_days=lock_days,
    )


def _parse_kind(value: object) -> str:
    if value not in KINDS:
        raise RuleError(f"periods.rule: ไม่รู้จักรูปแบบงวด {value!r} (ใช้ได้: {', '.join(KINDS)})")
    return str(value)


def _parse_schedule(
    kind: str, due: object, day: object
) -> tuple[tuple[tuple[int, int | None], ...], int | None]:
    """Monthly rules take `day`; the others take `due`, never both."""
    if kind == MONTHLY:
        if due is not None:
            raise RuleError("periods.due: รูปแบบ monthly ไม่ใช้ due ให้ระบุ day แทน")
        return (), _parse_monthly_day(day)
    if day is not None:
        raise RuleError(f"periods.day: ใช้ได้เฉพาะรูปแบบ monthly ไม่ใช่ {kind}")
    return _parse_due_list(kind, due), None


def _parse_monthly_day(value: object) -> int:
    day = _as_int(value)
    if day is None or not 1 <= day <= MAX_MONTHLY_DAY:
        raise RuleError(
            f"periods.day: รูปแบบ monthly ต้องระบุวันที่ 1–{MAX_MONTHLY_DAY} ของเดือน (ได้ {value!r})"
        )
    return day


def _parse_due_list(kind: str, value: object) -> tuple[tuple[int, int | None], ...]:
    wanted = DUE_COUNTS[kind]
    if not isinstance(value, list | tuple):
        raise RuleError(f'periods.due: ต้องเป็นรายการวันกำหนดส่ง "MM-DD" จำนวน {wanted} วัน')
    if len(value) != wanted:
        raise RuleError(f"periods.due: รูปแบบ {kind} ต้องมีวันกำหนดส่ง {wanted} วัน แต่มี {len(value)} วัน")
    dues = tuple(_parse_due(item, f"periods.due[{index}]") for index, item in enumerate(value))
    _check_fiscal_order(dues)
    return dues


def _parse_due(value: object, key: str) -> tuple[int, int | None]:
    """'MM-DD', or 'MM' (or a bare month number) for the last day of that month."""
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    parts = text.split("-")
    if not text or len(parts) > 2 or not all(part.isdigit() for part in parts):
        raise RuleError(f'{key}: ต้องเขียนเป็น "MM-DD" หรือ "MM" (ได้ {value!r})')
    month = int(parts[0])
    if not 1 <= month <= 12:
        raise RuleError(f"{key}: เดือน {month} ไม่มีอยู่จริง")
    if len(parts) == 1:
        return month, None
    day = int(parts[1])
    # Measured in a leap year so that 29 February is allowed.
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:
        month_name = thai_strftime(dt.datetime(2000, month, 1), "%B")
        raise RuleError(f"{key}: เดือน{month_name}ไม่มีวันที่ {day}")
    return month, day


def _check_fiscal_order(dues: tuple[tuple[int, int | None], ...]) -> None:
    """Each due month must come after the previous one, counting from October."""
    for index in range(1, len(dues)):
        if _fiscal_position(dues[index][0]) <= _fiscal_position(dues[index - 1][0]):
            raise RuleError(
                f"periods.due[{index}]: ต้องอยู่เดือนหลัง periods.due[{index - 1}] "
                "ตามลำดับปีงบประมาณ (ต.ค. ถึง ก.ย.) และไม่ซ้ำเดือน"
            )


def _parse_notes(value: object, name: str, count: int) -> FrozenMap:
    if value is None:
        return FrozenMap()
    notes: dict[int, str] = {}
    for raw_key, text in _mapping(value, f"periods.{name}").items():
        number = _period_number(raw_key)
        if number is None or not 1 <= number <= count:
            raise RuleError(f"periods.{name}[{raw_key}]: ไม่มีงวดที่ {raw_key} (มีงวดที่ 1–{count})")
        if not isinstance(text, str):
            raise RuleError(f"periods.{name}[{raw_key}]: หมายเหตุต้องเป็นข้อความ")
        notes[number] = text
    return FrozenMap(notes)


def _period_number(key: object) -> int | None:
    """YAML gives int keys; JSON gives strings of digits. Accept both."""
    if isinstance(key, str) and key.strip().isdigit():
        return int(key)
    return _as_int(key)


def _non_negative(value: object, name: str) -> int:
    number = _as_int(value)
    if number is None or number < 0:
        raise RuleError(f"periods.{name}: ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป (ได้ {value!r})")
    return number


def _as_int(value: object) -> int | None:
    """An int, or None for anything else (bools included, though Python counts them as ints)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _mapping(value: object, key: str) -> Mapping[Any, object]:
    if not isinstance(value, Mapping):
        raise RuleError(f"{key}: ต้องเป็น mapping (คีย์: ค่า)")
    return value


def rule_to_data(rule: PeriodRule) -> dict[str, object]:
    """The `periods` mapping for a catalog file: `parse_rule(rule_to_data(r)) == r`."""
    data: dict[str, object] = {"rule": rule.kind}
    if rule.kind == MONTHLY:
        data["day"] = rule.day
    else:
        data["due"] = [_format_due(month, day) for month, day in rule.due]
    if rule.notes_th:
        data["notes_th"] = dict(rule.notes_th)
    if rule.notes_en:
        data["notes_en"] = dict(rule.notes_en)
    data["grace_days"] = rule.grace_days
    data["lock_days"] = rule.lock_days
    return data


def _format_due(month: int, day: int | None) -> str:
    return f"{month:02d}" if day is None else f"{month:02d}-{day:02d}"


# --- Calendar ----------------------------------------------------------------


def generate_periods(rule: PeriodRule, fiscal_year: int) -> list[PeriodSpec]:
    """The periods of one fiscal year (BE), numbered from 1 in date order."""
    dues = _due_dates(rule, fiscal_year)
    spans = _spans(rule, fiscal_year)
    return [
        _period_spec(rule, number, start, end, due)
        for number, ((start, end), due) in enumerate(zip(spans, dues, strict=True), start=1)
    ]


def period_for_date(rule: PeriodRule, day: dt.date) -> tuple[int, int] | None:
    """(fiscal year BE, period number) of the period whose span holds `day`."""
    year = fiscal_year(day)
    for number, (start, end) in enumerate(_spans(rule, year), start=1):
        if start <= day <= end:
            return year, number
    return None  # Not reached today: a rule's periods cover its whole fiscal year.


def _spans(rule: PeriodRule, year_be: int) -> list[tuple[dt.date, dt.date]]:
    """Contiguous (start, end) pairs covering the fiscal year.

    Monthly periods are calendar months. Dated periods end with their due month,
    except the last, which runs to 30 September so that no day is left out.
    """
    first, last = fiscal_year_bounds(year_be)
    if rule.kind == MONTHLY:
        months = [_add_months(first, offset) for offset in range(12)]
        return [(start, _month_end(start)) for start in months]
    ends = [_month_end(due) for due in _due_dates(rule, year_be)]
    ends[-1] = last
    starts = [first] + [end + dt.timedelta(days=1) for end in ends[:-1]]
    return list(zip(starts, ends, strict=True))


def _due_dates(rule: PeriodRule, year_be: int) -> list[dt.date]:
    first, _ = fiscal_year_bounds(year_be)
    if rule.kind == MONTHLY:
        assert rule.day is not None, "a monthly rule has a day"
        return [_add_months(first, offset + 1).replace(day=rule.day) for offset in range(12)]
    return [_due_in_year(month, day, year_be) for month, day in rule.due]


def _due_in_year(month: int, day: int | None, year_be: int) -> dt.date:
    """October to December fall in the CE year before the fiscal year ends."""
    _, last = fiscal_year_bounds(year_be)
    year_ce = last.year - 1 if month >= 10 else last.year
    days_in_month = calendar.monthrange(year_ce, month)[1]
    # No day means the last day; 29 February becomes the 28th in common years.
    return dt.date(year_ce, month, min(day or days_in_month, days_in_month))


def _period_spec(
    rule: PeriodRule, number: int, start: dt.date, end: dt.date, due: dt.date
) -> PeriodSpec:
    # Monthly periods are named by the month they cover, the others by their due month.
    named = start if rule.kind == MONTHLY else due
    return PeriodSpec(
        number=number,
        start=start,
        end=end,
        due=due,
        on_time_until=due + dt.timedelta(days=rule.grace_days),
        lock=due + dt.timedelta(days=rule.lock_days),
        note_th=rule.notes_th.get(number, ""),
        note_en=rule.notes_en.get(number, ""),
        label_th=f"งวดที่ {number} ({_month_label_th(named)})",
        label_en=f"Period {number} ({ENGLISH_MONTHS[named.month - 1][:3]} {named.year})",
    )


def _month_label_th(day: dt.date) -> str:
    """Abbreviated Thai month and BE year: "ธ.ค. 2561"."""
    return thai_strftime(dt.datetime(day.year, day.month, 1), "%b %Y")


def _fiscal_position(month: int) -> int:
    """0 for October .. 11 for September."""
    return (month - 10) % 12


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- Deadlines ---------------------------------------------------------------


def effective_due(department_due: dt.date, province_due: dt.date | None) -> dt.date:
    """The province may ask for its districts' data earlier, never later."""
    if province_due is None:
        return department_due
    if province_due > department_due:
        raise RuleError(
            f"province_due: กำหนดส่งของจังหวัด ({format_date(province_due, short=True)}) "
            f"ต้องไม่ช้ากว่ากำหนดส่งของกรม ({format_date(department_due, short=True)})"
        )
    return province_due


def submission_status(
    submitted_on: dt.date | None,
    period: PeriodSpec,
    today: dt.date,
    province_due: dt.date | None = None,
) -> str:
    """on_time, late, missing_open, missing_overdue, or locked (missing after the lock day).

    Grace days count from the effective due date; the lock counts from the
    department's, so an earlier province deadline does not lock the period sooner.
    """
    grace = period.on_time_until - period.due
    deadline = effective_due(period.due, province_due) + grace
    if submitted_on is not None:
        return ON_TIME if submitted_on <= deadline else LATE
    if today <= deadline:
        return MISSING_OPEN
    if today > period.lock:
        return LOCKED
    return MISSING_OVERDUE
