"""Who is reminded of what on a given day.

Per period open on the day (started, not locked), per province: the due date that
applies there (the province's own deadline if set, else the department's) and the
reminder rule that applies there (the province's override, else the department's
default, else the built-in one) say whether the day is a reminder day. If it is,
the org units at the dataset's reporting levels that still have missing or
unsubmitted records are reminded; units that are done get nothing.

Queries are bounded whatever the number of districts and datasets: the open
periods, the province deadlines and the rules (one each); on a reminder day the
completeness figures of every unit in one grouped pass (the monitoring queries,
grouped by district), the units and their recording users (one each).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from khomun.accounts.choices import Role
from khomun.accounts.models import RoleAssignment, User
from khomun.lib.thaidate import format_date
from khomun.monitoring import completeness, summary
from khomun.monitoring.completeness import Figures
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records.progress import period_url
from khomun.schedule.choices import ReminderWhen
from khomun.schedule.models import (
    DEFAULT_DAYS_AFTER,
    DEFAULT_DAYS_BEFORE,
    Period,
    ProvinceDeadline,
    ReminderRule,
)
from khomun.schedule.services import open_periods

# Who is reminded of a unit's gap: the recorders of the unit (and the district head,
# who submits the district's period).
REMINDED_ROLES = {
    Level.DISTRICT: (Role.DISTRICT_RECORDER, Role.DISTRICT_HEAD),
    Level.PROVINCE: (Role.PROVINCE_RECORDER,),
}
# The largest offset a form accepts: a reminder a year away makes no sense.
MAX_OFFSET = 366


@dataclass(frozen=True)
class Offsets:
    """A reminder rule as plain values (from a ReminderRule row, or built in)."""

    days_before: tuple[int, ...] = tuple(DEFAULT_DAYS_BEFORE)
    on_due_day: bool = True
    days_after: tuple[int, ...] = tuple(DEFAULT_DAYS_AFTER)
    weekly_until_lock: bool = True
    enabled: bool = True

    @classmethod
    def of(cls, rule: ReminderRule) -> Offsets:
        return cls(
            days_before=tuple(sorted(set(rule.days_before), reverse=True)),
            on_due_day=rule.on_due_day,
            days_after=tuple(sorted(set(rule.days_after))),
            weekly_until_lock=rule.weekly_until_lock,
            enabled=rule.enabled,
        )

    def describe(self) -> str:
        """The rule in one Thai line, for the rules page."""
        if not self.enabled:
            return _("ปิดการเตือน")
        parts = []
        if self.days_before:
            days = ", ".join(str(n) for n in self.days_before)
            parts.append(_("ก่อนครบกำหนด %(days)s วัน") % {"days": days})
        if self.on_due_day:
            parts.append(_("วันครบกำหนด"))
        if self.days_after:
            days = ", ".join(str(n) for n in self.days_after)
            parts.append(_("หลังครบกำหนด %(days)s วัน") % {"days": days})
        if self.weekly_until_lock:
            parts.append(_("ทุกสัปดาห์จนปิดรับข้อมูล"))
        return " · ".join(parts) or _("ไม่มีวันเตือน")

    def match(self, day: dt.date, due: dt.date, lock: dt.date) -> tuple[str, int] | None:
        """(when, days) if `day` is a reminder day of a period due on `due`, else None.

        After the last "after" offset, a weekly rule goes on every 7 days while the
        period still accepts records (up to and including its lock day)."""
        if not self.enabled or day > lock:
            return None
        delta = (day - due).days
        if delta < 0:
            return (ReminderWhen.BEFORE, -delta) if -delta in self.days_before else None
        if delta == 0:
            return (ReminderWhen.ON_DAY, 0) if self.on_due_day else None
        if delta in self.days_after:
            return ReminderWhen.AFTER, delta
        last = max(self.days_after, default=0)
        if self.weekly_until_lock and delta > last and (delta - last) % 7 == 0:
            return ReminderWhen.AFTER, delta
        return None


BUILT_IN = Offsets()


@dataclass(frozen=True)
class Reminder:
    """One org unit's reminder of one period on one day, and who receives it."""

    day: dt.date
    period: Period
    unit: OrgUnit
    due: dt.date
    when: str
    days: int
    figures: Figures
    users: tuple[User, ...]

    @property
    def key(self) -> str:
        """The notification key: the same reminder is never sent twice to a user."""
        return f"reminder:{self.period.pk}:{self.unit.code}:{self.day.isoformat()}"

    @property
    def url(self) -> str:
        return period_url(self.period, self.unit)

    @property
    def not_submitted(self) -> int:
        """Records made but not (yet, or again) submitted: drafts and returned ones."""
        return self.figures.recorded - self.figures.submitted

    @property
    def subject(self) -> str:
        values = {
            "dataset": self.period.dataset.name_th,
            "period": self.period.label_th,
            "due": format_date(self.due),
            "days": self.days,
        }
        if self.when == ReminderWhen.BEFORE:
            return _("อีก %(days)s วันครบกำหนดส่ง %(dataset)s %(period)s (%(due)s)") % values
        if self.when == ReminderWhen.ON_DAY:
            return _("วันนี้ครบกำหนดส่ง %(dataset)s %(period)s (%(due)s)") % values
        return _("เลยกำหนดส่ง %(dataset)s %(period)s มา %(days)s วัน (%(due)s)") % values

    @property
    def body(self) -> str:
        f = self.figures
        lines = [
            _("หน่วยงาน: %(unit)s") % {"unit": self.unit.full_name_th},
            _("ฐานข้อมูล: %(dataset)s %(period)s")
            % {"dataset": self.period.dataset.name_th, "period": self.period.label_th},
            _("กำหนดส่ง: %(due)s") % {"due": format_date(self.due)},
            _("ต้องบันทึกทั้งหมด %(expected)s รายการ ส่งแล้ว %(submitted)s รายการ")
            % {"expected": f.expected, "submitted": f.submitted},
        ]
        if f.missing:
            lines.append(_("ยังไม่บันทึก %(count)s รายการ") % {"count": f.missing})
        if self.not_submitted:
            lines.append(
                _("บันทึกแล้วแต่ยังไม่ส่ง %(count)s รายการ (ส่งกลับให้แก้ไข %(returned)s)")
                % {"count": self.not_submitted, "returned": f.returned}
            )
        return "\n".join(lines)


# ---------------------------------------------------------------- the rules in force


def effective_offsets(
    rules: Iterable[ReminderRule], dataset_key: str, province_code: str
) -> Offsets:
    """The province's override, else the department's default, else the built-in rule."""
    default = None
    for rule in rules:
        if rule.dataset_key != dataset_key:
            continue
        if rule.province is None:
            default = rule
        elif rule.province.code == province_code:
            return Offsets.of(rule)
    return Offsets.of(default) if default else BUILT_IN


def rule_table(dataset_keys: Iterable[str]) -> dict[tuple[str, str | None], Offsets]:
    """(dataset key, province code or None) -> the rule row's offsets, in one query."""
    rows = ReminderRule.objects.filter(dataset_key__in=set(dataset_keys)).select_related("province")
    return {(r.dataset_key, r.province.code if r.province else None): Offsets.of(r) for r in rows}


def offsets_for(
    table: dict[tuple[str, str | None], Offsets], dataset_key: str, province_code: str
) -> Offsets:
    return table.get((dataset_key, province_code)) or table.get((dataset_key, None)) or BUILT_IN


# ---------------------------------------------------------------- periods and figures


def all_deadlines(periods: Sequence[Period]) -> dict[tuple[int, str], dt.date]:
    """(period id, province code) -> the province's own due date, in one query."""
    rows = ProvinceDeadline.objects.filter(period__in=list(periods)).values_list(
        "period_id", "province__code", "due"
    )
    return {(period_id, code): due for period_id, code, due in rows}


def province_codes(scope: OrgUnit | None) -> list[str]:
    """The provinces with a CDD office in the scope (the whole country by default)."""
    if scope is not None and scope.level != Level.COUNTRY:
        return [scope.code[:2]]
    return list(
        OrgUnit.objects.filter(level=Level.PROVINCE, has_cdd_office=True)
        .order_by("code")
        .values_list("code", flat=True)
    )


def figures_by_unit(periods: Sequence[Period], scope: OrgUnit) -> dict[int, dict[str, Figures]]:
    """Period id -> unit path -> figures, for every district and every province's own
    work under `scope`, in the monitoring app's few grouped queries."""
    # Grouped by the district path, not the child level: one pass serves every district
    # of the country (a province's own subjects or records are the group "TH/52/"),
    # from the stored figures of monitoring.summary.
    return completeness.figures_by_prefix(periods, scope, summary.DISTRICT_KEY_LENGTH)


def is_done(figures: Figures) -> bool:
    """Every expected record is submitted (or approved): nothing to remind of."""
    return figures.submitted >= figures.expected


def _path_level(path: str) -> str | None:
    depth = path.count("/")
    return {2: Level.PROVINCE, 3: Level.DISTRICT}.get(depth)


# ---------------------------------------------------------------- who gets what


def reminders_for(day: dt.date, scope: OrgUnit | None = None) -> list[Reminder]:
    """Every reminder due on `day` (within one province when `scope` is given)."""
    periods = open_periods(day)
    if not periods:
        return []
    deadlines = all_deadlines(periods)
    table = rule_table(p.dataset.key for p in periods)
    codes = province_codes(scope)
    matched: dict[tuple[int, str], tuple[dt.date, str, int]] = {}
    for period in periods:
        for code in codes:
            due = deadlines.get((period.pk, code), period.due)
            hit = offsets_for(table, period.dataset.key, code).match(day, due, period.lock)
            if hit:
                matched[(period.pk, code)] = (due, *hit)
    if not matched:
        return []
    matched_ids = {pk for pk, _code in matched}
    wanted = [p for p in periods if p.pk in matched_ids]
    root = scope if scope is not None else OrgUnit.objects.get(level=Level.COUNTRY)
    groups = figures_by_unit(wanted, root)
    gaps: list[tuple[Period, str, Figures, tuple[dt.date, str, int]]] = []
    for period in wanted:
        for path, figures in groups[period.pk].items():
            level = _path_level(path)
            code = path.split("/")[1] if level else ""
            found = matched.get((period.pk, code))
            if found and level in period.dataset.levels and not is_done(figures):
                gaps.append((period, path, figures, found))
    return _addressed(day, gaps)


def _addressed(
    day: dt.date, gaps: list[tuple[Period, str, Figures, tuple[dt.date, str, int]]]
) -> list[Reminder]:
    """Attach the units and the users holding their recording roles (two queries)."""
    units = {
        u.path: u
        for u in OrgUnit.objects.filter(
            path__in={path for _p, path, _f, _h in gaps}, has_cdd_office=True
        )
    }
    people: dict[int, list[User]] = defaultdict(list)
    assignments = RoleAssignment.objects.filter(
        orgunit__in=list(units.values()),
        role__in=[role for roles in REMINDED_ROLES.values() for role in roles],
        user__is_active=True,
    ).select_related("user", "orgunit")
    for a in assignments.order_by("user__username"):
        reminded = a.role in REMINDED_ROLES.get(Level(a.orgunit.level), ())
        if reminded and a.user not in people[a.orgunit_id]:
            people[a.orgunit_id].append(a.user)
    result = []
    for period, path, figures, (due, when, days) in gaps:
        unit = units.get(path)
        if unit is not None:
            users = tuple(people[unit.pk])
            result.append(Reminder(day, period, unit, due, when, days, figures, users))
    result.sort(key=lambda r: (r.unit.path, r.due, r.period.dataset.order, r.period.number))
    return result


def reminders_between(start: dt.date, days: int, scope: OrgUnit | None = None) -> list[Reminder]:
    """The reminders of `days` days from `start`, as if sent on each (for the preview:
    figures are today's, so a unit that records meanwhile drops out)."""
    result: list[Reminder] = []
    for offset in range(days):
        result.extend(reminders_for(start + dt.timedelta(days=offset), scope))
    return result


def send_reminders(day: dt.date) -> int:
    """Send the day's reminders; returns how many notifications were new.

    Idempotent: each notification's key names the period, the unit and the day, and
    `notify` keeps one per (user, key), so a retried task sends nothing twice."""
    from khomun.notifications.choices import NotificationKind
    from khomun.notifications.services import notify_each

    return sum(
        notify_each(
            reminder.users,
            kind=NotificationKind.REMINDER,
            subject=reminder.subject,
            body=reminder.body,
            key=reminder.key,
            url=reminder.url,
        )
        for reminder in reminders_for(day)
    )
