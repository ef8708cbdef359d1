"""The period rules against the two seed letters (FY2562 Chaiyaphum, FY2561 Lampang)
and against properties that must hold for every valid rule and fiscal year."""

import calendar
import itertools
import re
from collections.abc import Mapping
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khomun.schedule.rules import (
    DUE_COUNTS,
    KINDS,
    MONTHLY,
    STATUSES,
    PeriodRule,
    RuleError,
    effective_due,
    generate_periods,
    parse_rule,
    period_for_date,
    rule_to_data,
    submission_status,
)

THAI = re.compile("[\u0e00-\u0e7f]")

# The seed tables as catalog `periods` mappings.
SAVINGS_GROUPS = {"rule": "quarterly", "due": ["12-20", "03-20", "06-20", "09-20"]}
POVERTY_FUND = {"rule": "twice_yearly", "due": ["03-20", "09-20"]}
DEVELOPMENT_STANDARD = {
    "rule": "twice_yearly",
    "due": ["03", "09"],
    "notes_th": {
        1: "บันทึกผู้สมัครภายในไตรมาส ๒",
        2: "บันทึกข้อมูลผู้ผ่านการรับรองภายในไตรมาส ๔",
    },
    "notes_en": {1: "applicants within quarter 2", 2: "certified within quarter 4"},
}
FUND_MANAGEMENT_2562 = {"rule": "twice_yearly", "due": ["04", "07"]}
FUND_MANAGEMENT_2561 = {"rule": "yearly", "due": ["09"]}
VOLUNTEER_ANNIVERSARY = {"rule": "yearly", "due": ["02"]}
OTOP_SALES = {"rule": "monthly", "day": 10}
MOTHER_LAND_FUND = {"rule": "yearly", "due": ["04"]}
SEPTEMBER_ONCE = {"rule": "yearly", "due": ["09"]}


def dues(data: Mapping[str, object], year: int) -> list[date]:
    return [period.due for period in generate_periods(parse_rule(data), year)]


def spans(data: Mapping[str, object], year: int) -> list[tuple[date, date]]:
    return [(period.start, period.end) for period in generate_periods(parse_rule(data), year)]


# --- The seed tables -----------------------------------------------------------


def test_savings_groups_are_due_on_the_20th_of_each_quarter_in_2562():
    assert dues(SAVINGS_GROUPS, 2562) == [
        date(2018, 12, 20),
        date(2019, 3, 20),
        date(2019, 6, 20),
        date(2019, 9, 20),
    ]


def test_savings_groups_are_due_on_the_20th_of_each_quarter_in_2561():
    assert dues(SAVINGS_GROUPS, 2561) == [
        date(2017, 12, 20),
        date(2018, 3, 20),
        date(2018, 6, 20),
        date(2018, 9, 20),
    ]


def test_savings_groups_periods_are_the_quarters():
    assert spans(SAVINGS_GROUPS, 2562) == [
        (date(2018, 10, 1), date(2018, 12, 31)),
        (date(2019, 1, 1), date(2019, 3, 31)),
        (date(2019, 4, 1), date(2019, 6, 30)),
        (date(2019, 7, 1), date(2019, 9, 30)),
    ]


def test_labels_name_the_due_month_in_buddhist_era_and_in_english():
    periods = generate_periods(parse_rule(SAVINGS_GROUPS), 2562)
    assert periods[0].label_th == "งวดที่ 1 (ธ.ค. 2561)"
    assert periods[0].label_en == "Period 1 (Dec 2018)"
    assert periods[3].label_th == "งวดที่ 4 (ก.ย. 2562)"
    assert periods[3].label_en == "Period 4 (Sep 2019)"


def test_poverty_fund_is_due_20_march_and_20_september():
    assert dues(POVERTY_FUND, 2562) == [date(2019, 3, 20), date(2019, 9, 20)]
    assert dues(POVERTY_FUND, 2561) == [date(2018, 3, 20), date(2018, 9, 20)]


def test_development_standard_is_due_end_of_march_and_september_with_its_notes():
    periods = generate_periods(parse_rule(DEVELOPMENT_STANDARD), 2562)
    assert [p.due for p in periods] == [date(2019, 3, 31), date(2019, 9, 30)]
    assert [(p.start, p.end) for p in periods] == [
        (date(2018, 10, 1), date(2019, 3, 31)),
        (date(2019, 4, 1), date(2019, 9, 30)),
    ]
    assert periods[0].note_th == "บันทึกผู้สมัครภายในไตรมาส ๒"
    assert periods[1].note_th == "บันทึกข้อมูลผู้ผ่านการรับรองภายในไตรมาส ๔"
    assert periods[1].note_en == "certified within quarter 4"
    assert periods[0].label_th == "งวดที่ 1 (มี.ค. 2562)"


def test_fund_management_changed_from_september_in_2561_to_april_and_july_in_2562():
    assert dues(FUND_MANAGEMENT_2561, 2561) == [date(2018, 9, 30)]
    assert dues(FUND_MANAGEMENT_2562, 2562) == [date(2019, 4, 30), date(2019, 7, 31)]
    # The last period runs to the end of the fiscal year, after its July due date.
    assert spans(FUND_MANAGEMENT_2562, 2562) == [
        (date(2018, 10, 1), date(2019, 4, 30)),
        (date(2019, 5, 1), date(2019, 9, 30)),
    ]


def test_volunteer_anniversary_is_due_at_the_end_of_february():
    assert dues(VOLUNTEER_ANNIVERSARY, 2562) == [date(2019, 2, 28)]
    assert dues(VOLUNTEER_ANNIVERSARY, 2563) == [date(2020, 2, 29)]  # 2020 is a leap year
    assert spans(VOLUNTEER_ANNIVERSARY, 2562) == [(date(2018, 10, 1), date(2019, 9, 30))]


def test_29_february_falls_back_to_the_28th_in_common_years():
    rule = {"rule": "yearly", "due": ["02-29"]}
    assert dues(rule, 2562) == [date(2019, 2, 28)]
    assert dues(rule, 2563) == [date(2020, 2, 29)]


def test_september_databases_are_due_30_september():
    assert dues(SEPTEMBER_ONCE, 2562) == [date(2019, 9, 30)]
    assert dues(SEPTEMBER_ONCE, 2561) == [date(2018, 9, 30)]


def test_mother_land_fund_is_due_in_april():
    assert dues(MOTHER_LAND_FUND, 2562) == [date(2019, 4, 30)]


def test_otop_sales_are_due_on_the_10th_of_the_following_month():
    periods = generate_periods(parse_rule(OTOP_SALES), 2562)
    assert [p.number for p in periods] == list(range(1, 13))
    assert periods[0].start == date(2018, 10, 1)
    assert periods[0].end == date(2018, 10, 31)
    assert periods[0].due == date(2018, 11, 10)
    assert periods[0].label_th == "งวดที่ 1 (ต.ค. 2561)"
    assert periods[0].label_en == "Period 1 (Oct 2018)"
    assert periods[4].end == date(2019, 2, 28)
    assert periods[-1].start == date(2019, 9, 1)
    assert periods[-1].due == date(2019, 10, 10)  # after the fiscal year has ended
    assert dues(OTOP_SALES, 2561)[0] == date(2017, 11, 10)


def test_it_finds_the_period_of_a_date():
    rule = parse_rule(SAVINGS_GROUPS)
    assert period_for_date(rule, date(2018, 10, 1)) == (2562, 1)
    assert period_for_date(rule, date(2019, 3, 31)) == (2562, 2)
    assert period_for_date(rule, date(2019, 9, 30)) == (2562, 4)
    assert period_for_date(parse_rule(OTOP_SALES), date(2019, 1, 15)) == (2562, 4)


# --- Parsing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rule": "weekly"}, "periods.rule:"),
        ({"due": ["09"]}, "periods.rule:"),
        ({"rule": "quarterly", "due": ["12-20", "03-20", "06-20"]}, "periods.due:"),
        ({"rule": "yearly", "due": "09"}, "periods.due:"),
        (
            {"rule": "quarterly", "due": ["12-20", "03-20", "13-20", "09-20"]},
            "periods.due[2]: เดือน 13 ไม่มีอยู่จริง",
        ),
        ({"rule": "yearly", "due": ["00"]}, "periods.due[0]: เดือน 0"),
        ({"rule": "yearly", "due": ["04-31"]}, "periods.due[0]: เดือนเมษายนไม่มีวันที่ 31"),
        ({"rule": "yearly", "due": ["02-30"]}, "periods.due[0]:"),
        ({"rule": "yearly", "due": ["Sept"]}, "periods.due[0]:"),
        ({"rule": "yearly", "due": ["09-20-2019"]}, "periods.due[0]:"),
        ({"rule": "twice_yearly", "due": ["09-20", "03-20"]}, "periods.due[1]:"),
        ({"rule": "twice_yearly", "due": ["03-10", "03-20"]}, "periods.due[1]:"),
        ({"rule": "monthly"}, "periods.day:"),
        ({"rule": "monthly", "day": 29}, "periods.day:"),
        ({"rule": "monthly", "day": 0}, "periods.day:"),
        ({"rule": "monthly", "day": "10"}, "periods.day:"),
        ({"rule": "monthly", "day": 10, "due": ["11-10"]}, "periods.due:"),
        ({"rule": "yearly", "due": ["09"], "day": 10}, "periods.day:"),
        ({"rule": "yearly", "due": ["09"], "notes_th": {2: "x"}}, "periods.notes_th[2]:"),
        ({"rule": "monthly", "day": 10, "notes_en": {13: "x"}}, "periods.notes_en[13]:"),
        ({"rule": "yearly", "due": ["09"], "notes_th": {1: 5}}, "periods.notes_th[1]:"),
        ({"rule": "yearly", "due": ["09"], "notes_th": ["x"]}, "periods.notes_th:"),
        ({"rule": "yearly", "due": ["09"], "grace_days": -1}, "periods.grace_days:"),
        ({"rule": "yearly", "due": ["09"], "grace_days": True}, "periods.grace_days:"),
        ({"rule": "yearly", "due": ["09"], "lock_days": "30"}, "periods.lock_days:"),
        ({"rule": "yearly", "due": ["09"], "grace_days": 5, "lock_days": 2}, "periods.lock_days:"),
        ({"rule": "yearly", "deu": ["09"]}, "periods.deu:"),
    ],
)
def test_it_rejects_a_bad_rule_with_a_thai_message_naming_the_key(data, message):
    with pytest.raises(RuleError) as error:
        parse_rule(data)
    assert str(error.value).startswith(message)
    assert THAI.search(str(error.value))


def test_it_reads_the_periods_key_of_a_whole_catalog_entry():
    entry = {"key": "savings_groups", "periods": SAVINGS_GROUPS}
    assert parse_rule(entry) == parse_rule(SAVINGS_GROUPS)


def test_it_fills_in_defaults_and_accepts_string_note_keys():
    rule = parse_rule({"rule": "yearly", "due": ["09"], "notes_th": {"1": "ก"}})
    assert rule.notes_th == {1: "ก"}
    assert (rule.grace_days, rule.lock_days) == (0, 30)
    assert rule.due == ((9, None),)


def test_a_rule_is_hashable():
    assert len({parse_rule(DEVELOPMENT_STANDARD), parse_rule(DEVELOPMENT_STANDARD)}) == 1


def test_it_exports_a_rule_as_catalog_data():
    data = dict(SAVINGS_GROUPS, grace_days=3, lock_days=30)
    assert rule_to_data(parse_rule(data)) == data


# --- Deadlines -----------------------------------------------------------------


def test_a_province_may_set_an_earlier_deadline():
    # Lampang asked its districts for 6 September 2561.
    assert effective_due(date(2018, 9, 20), date(2018, 9, 6)) == date(2018, 9, 6)
    assert effective_due(date(2018, 9, 20), date(2018, 9, 20)) == date(2018, 9, 20)
    assert effective_due(date(2018, 9, 20), None) == date(2018, 9, 20)


def test_a_province_may_not_set_a_later_deadline():
    with pytest.raises(RuleError, match="^province_due: กำหนดส่งของจังหวัด"):
        effective_due(date(2018, 9, 20), date(2018, 9, 21))


@pytest.fixture
def december():
    """Savings groups FY2562 period 1: due 20 Dec 2561, 3 days of grace, locked after 19 Jan."""
    rule = parse_rule(dict(SAVINGS_GROUPS, grace_days=3, lock_days=30))
    period = generate_periods(rule, 2562)[0]
    assert (period.on_time_until, period.lock) == (date(2018, 12, 23), date(2019, 1, 19))
    return period


@pytest.mark.parametrize(
    ("submitted_on", "today", "status"),
    [
        (date(2018, 12, 1), date(2018, 12, 1), "on_time"),
        (date(2018, 12, 20), date(2019, 3, 1), "on_time"),
        (date(2018, 12, 23), date(2019, 3, 1), "on_time"),  # last day of grace
        (date(2018, 12, 24), date(2019, 3, 1), "late"),
        (date(2019, 1, 25), date(2019, 3, 1), "late"),  # after the lock, e.g. reopened
        (None, date(2018, 12, 1), "missing_open"),
        (None, date(2018, 12, 23), "missing_open"),
        (None, date(2018, 12, 24), "missing_overdue"),
        (None, date(2019, 1, 19), "missing_overdue"),  # lock day itself
        (None, date(2019, 1, 20), "locked"),
    ],
)
def test_it_tells_the_submission_status(december, submitted_on, today, status):
    assert submission_status(submitted_on, december, today) == status


@pytest.mark.parametrize(
    ("submitted_on", "today", "status"),
    [
        (date(2018, 12, 18), date(2019, 3, 1), "on_time"),  # 15 Dec + 3 days of grace
        (date(2018, 12, 19), date(2019, 3, 1), "late"),
        (None, date(2018, 12, 18), "missing_open"),
        (None, date(2018, 12, 19), "missing_overdue"),
        (None, date(2019, 1, 19), "missing_overdue"),  # the lock follows the department
        (None, date(2019, 1, 20), "locked"),
    ],
)
def test_it_measures_status_against_the_province_deadline(december, submitted_on, today, status):
    assert submission_status(submitted_on, december, today, date(2018, 12, 15)) == status


def test_it_refuses_a_later_province_deadline_in_the_status(december):
    with pytest.raises(RuleError):
        submission_status(None, december, date(2018, 12, 1), date(2018, 12, 21))


# --- Properties ----------------------------------------------------------------

fiscal_years = st.integers(2500, 2700)


@st.composite
def due_text(draw, month):
    last_day = calendar.monthrange(2000, month)[1]  # a leap year: 29 February is valid
    day = draw(st.none() | st.integers(1, last_day))
    return f"{month:02d}" if day is None else f"{month:02d}-{day:02d}"


@st.composite
def rule_data(draw):
    kind = draw(st.sampled_from(KINDS))
    grace = draw(st.integers(0, 30))
    data = {"rule": kind, "grace_days": grace, "lock_days": draw(st.integers(grace, 120))}
    if kind == MONTHLY:
        data["day"] = draw(st.integers(1, 28))
        count = 12
    else:
        count = DUE_COUNTS[kind]
        positions = sorted(draw(st.sets(st.integers(0, 11), min_size=count, max_size=count)))
        data["due"] = [draw(due_text((position + 9) % 12 + 1)) for position in positions]
    notes = st.dictionaries(st.integers(1, count), st.text(max_size=20), max_size=count)
    data["notes_th"] = draw(notes)
    data["notes_en"] = draw(notes)
    return data


@settings(deadline=None)
@given(rule_data(), fiscal_years)
def test_periods_are_numbered_contiguous_and_start_on_1_october(data, year):
    rule = parse_rule(data)
    periods = generate_periods(rule, year)
    assert [p.number for p in periods] == list(range(1, rule.period_count + 1))
    assert periods[0].start == date(year - 544, 10, 1)
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + timedelta(days=1)
    for period in periods:
        assert period.start <= period.end
        assert period.start <= period.due.replace(day=1)
        assert period.due <= period.on_time_until <= period.lock


@settings(deadline=None)
@given(rule_data(), fiscal_years)
def test_dated_rules_cover_the_fiscal_year_and_are_due_inside_it(data, year):
    rule = parse_rule(data)
    periods = generate_periods(rule, year)
    if rule.day is not None:
        assert periods[-1].end == date(year - 543, 9, 30)
        assert all(p.due == (p.end + timedelta(days=1)).replace(day=rule.day) for p in periods)
        return
    assert periods[-1].end == date(year - 543, 9, 30)
    for period in periods:
        assert date(year - 544, 10, 1) <= period.due <= date(year - 543, 9, 30)
        assert period.due.month == rule.due[period.number - 1][0]


@settings(deadline=None)
@given(rule_data(), fiscal_years)
def test_period_for_date_finds_each_period(data, year):
    rule = parse_rule(data)
    for period in generate_periods(rule, year):
        middle = period.start + (period.end - period.start) / 2
        for day in (period.start, middle, period.end):
            assert period_for_date(rule, day) == (year, period.number)


@settings(deadline=None)
@given(rule_data())
def test_rule_to_data_round_trips(data):
    rule = parse_rule(data)
    assert parse_rule(rule_to_data(rule)) == rule
    assert isinstance(hash(rule), int)


@settings(deadline=None)
@given(
    rule_data(),
    fiscal_years,
    st.integers(-40, 200),
    st.none() | st.integers(-40, 200),
    st.integers(0, 20),
)
def test_status_is_on_time_exactly_until_due_plus_grace(data, year, today, submitted, early):
    rule = parse_rule(data)
    period = generate_periods(rule, year)[0]
    province_due = period.due - timedelta(days=early)
    today_date = period.due + timedelta(days=today)
    submitted_on = None if submitted is None else period.due + timedelta(days=submitted)
    status = submission_status(submitted_on, period, today_date, province_due)
    assert status in STATUSES
    deadline = province_due + timedelta(days=rule.grace_days)
    if submitted_on is not None:
        assert (status == "on_time") == (submitted_on <= deadline)
    elif today_date > period.lock:
        assert status == "locked"
    else:
        assert status == ("missing_open" if today_date <= deadline else "missing_overdue")


def test_a_rule_built_with_plain_dicts_is_hashable():
    rule = PeriodRule("yearly", ((9, None),), None, {1: "ก"}, {}, 0, 30)
    assert rule == parse_rule({"rule": "yearly", "due": ["09"], "notes_th": {1: "ก"}})
    assert hash(rule)
