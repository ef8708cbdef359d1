"""Who is reminded of what on which day, walked over the whole fiscal year 2562
(1 Oct 2561 to 30 Sep 2562 BE) and compared with an independent computation."""

from __future__ import annotations

import datetime as dt

import pytest

from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import Period, ProvinceDeadline, ReminderRule
from khomun.schedule.reminders import Offsets, reminders_between, reminders_for
from khomun.schedule.tests.conftest import periods_of

pytestmark = pytest.mark.django_db

FIRST, LAST = dt.date(2018, 10, 1), dt.date(2019, 9, 30)
# Lampang asks its districts for savings-group period 1 six days early.
LAMPANG_SAVINGS_DUE = dt.date(2018, 12, 14)

Expected = set[tuple[dt.date, str, int, str, str, int]]


def year() -> list[dt.date]:
    return [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]


def expected_days(
    due: dt.date, lock: dt.date, before: list[int], on_day: bool, after: list[int], weekly: bool
) -> dict[dt.date, tuple[str, int]]:
    """The reminder days of one period, written out the long way."""
    days = {due - dt.timedelta(days=n): ("before", n) for n in before}
    if on_day:
        days[due] = ("on_day", 0)
    offsets = list(after)
    if weekly:
        step = max(after, default=0) + 7
        while due + dt.timedelta(days=step) <= lock:
            offsets.append(step)
            step += 7
    days.update({due + dt.timedelta(days=n): ("after", n) for n in offsets})
    return {day: hit for day, hit in days.items() if day <= lock}


def add(
    expected: Expected, period: Period, unit: str, days: dict[dt.date, tuple[str, int]]
) -> None:
    for day, (when, n) in days.items():
        if FIRST <= day <= LAST and day >= period.start:
            expected.add((day, period.dataset.key, period.number, unit, when, n))


def walk() -> Expected:
    seen: Expected = set()
    for day in year():
        for r in reminders_for(day):
            item = (day, r.period.dataset.key, r.period.number, r.unit.code, r.when, r.days)
            assert item not in seen, item
            seen.add(item)
    return seen


BUILT_IN = ([7, 1], True, [1, 3, 7], True)


def test_the_built_in_rule_over_the_whole_year(reminder_setup):
    setup = reminder_setup
    first_savings = setup["savings"].periods.get(number=1)
    ProvinceDeadline.objects.create(
        period=first_savings,
        province=OrgUnit.objects.get(code="52"),
        due=LAMPANG_SAVINGS_DUE,
    )
    expected: Expected = set()
    for period in periods_of(setup["otop"]) + periods_of(setup["savings"]):
        for unit in ("5202", "3601"):
            lampang = unit.startswith("52") and period == first_savings
            due = LAMPANG_SAVINGS_DUE if lampang else period.due
            add(expected, period, unit, expected_days(due, period.lock, *BUILT_IN))
    seen = walk()
    assert seen == expected
    assert not any(item[3] == "5201" for item in seen)  # the done district, never
    # One period spelled out: OTOP October 2561, due 10 Nov 2561, locked after 10 Dec.
    october = {(d, w, n) for d, k, p, u, w, n in seen if (k, p, u) == ("otop_sales", 1, "5202")}
    assert sorted(october) == [
        (dt.date(2018, 11, 3), "before", 7),
        (dt.date(2018, 11, 9), "before", 1),
        (dt.date(2018, 11, 10), "on_day", 0),
        (dt.date(2018, 11, 11), "after", 1),
        (dt.date(2018, 11, 13), "after", 3),
        (dt.date(2018, 11, 17), "after", 7),
        (dt.date(2018, 11, 24), "after", 14),
        (dt.date(2018, 12, 1), "after", 21),
        (dt.date(2018, 12, 8), "after", 28),
    ]
    lampang_q1 = {d for d, k, p, u, _w, _n in seen if (k, p, u) == ("savings_groups", 1, "5202")}
    chaiyaphum_q1 = {d for d, k, p, u, _w, _n in seen if (k, p, u) == ("savings_groups", 1, "3601")}
    assert dt.date(2018, 12, 14) in lampang_q1 and dt.date(2018, 12, 14) not in chaiyaphum_q1
    assert dt.date(2018, 12, 20) in chaiyaphum_q1


def test_a_province_override_and_a_disabled_default_over_the_whole_year(reminder_setup, dept_admin):
    setup = reminder_setup
    ReminderRule.objects.create(
        dataset_key="otop_sales",
        province=OrgUnit.objects.get(code="52"),
        days_before=[3],
        on_due_day=False,
        days_after=[2],
        weekly_until_lock=False,
    )
    ReminderRule.objects.create(dataset_key="savings_groups", enabled=False)
    expected: Expected = set()
    for period in periods_of(setup["otop"]):
        add(
            expected, period, "5202", expected_days(period.due, period.lock, [3], False, [2], False)
        )
        add(expected, period, "3601", expected_days(period.due, period.lock, *BUILT_IN))
    assert walk() == expected


def test_a_reminder_goes_to_the_recorders_and_the_head_of_the_district(reminder_setup):
    setup = reminder_setup
    reminders = [r for r in reminders_for(dt.date(2018, 11, 10)) if r.unit.code == "5202"]
    assert len(reminders) == 1
    assert set(reminders[0].users) == {setup["recorder_5202"], setup["head_5202"]}
    assert reminders[0].figures.missing == 1


def test_a_draft_or_returned_record_is_still_reminded(reminder_setup):
    from khomun.records.choices import RecordState
    from khomun.records.models import Record

    Record.objects.filter(orgunit__code="5201", period__number=1).update(state=RecordState.RETURNED)
    day = dt.date(2018, 11, 10)
    units = {r.unit.code: r for r in reminders_for(day) if r.period.dataset.key == "otop_sales"}
    assert set(units) == {"5201", "5202", "3601"}
    assert units["5201"].not_submitted == 1 and units["5201"].figures.missing == 0
    assert "ส่งกลับให้แก้ไข 1" in units["5201"].body


def test_a_province_level_gap_goes_to_the_province_recorder(reminder_setup):
    from khomun.schedule.tests.conftest import subject

    subject("52", reminder_setup["otop"].subject_kind, "ผู้ผลิตระดับจังหวัด")
    province = [r for r in reminders_for(dt.date(2018, 11, 10)) if r.unit.code == "52"]
    assert [r.users for r in province] == [(reminder_setup["province_recorder"],)]


def test_nothing_is_sent_after_the_lock():
    rule = Offsets()
    due, lock = dt.date(2018, 11, 10), dt.date(2018, 12, 10)
    assert rule.match(dt.date(2018, 12, 8), due, lock) == ("after", 28)
    assert rule.match(dt.date(2018, 12, 15), due, lock) is None
    assert Offsets(enabled=False).match(due, due, lock) is None


def test_the_reminder_days_stay_bounded_in_queries(reminder_setup, django_assert_max_num_queries):
    # 10 for the reminders, 2 to store the figures of periods nobody had read yet.
    with django_assert_max_num_queries(12):
        assert reminders_for(dt.date(2018, 11, 10))
    with django_assert_max_num_queries(4):
        assert reminders_for(dt.date(2018, 11, 12)) == []


def test_the_preview_lists_a_provinces_next_days(reminder_setup):
    lampang = OrgUnit.objects.get(code="52")
    preview = reminders_between(dt.date(2018, 11, 1), 14, lampang)
    assert {(r.day, r.unit.code) for r in preview} == {
        (dt.date(2018, 11, d), "5202") for d in (3, 9, 10, 11, 13)
    }
