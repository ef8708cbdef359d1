"""Periods in the database against both seed tables, and a province's own deadlines."""

import datetime as dt
from typing import Any

import pytest

from khomun.accounts.choices import Role
from khomun.catalog.definition import DatasetDefinition, parse_definition
from khomun.catalog.models import Dataset
from khomun.catalog.services import load_catalog
from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import Period, ProvinceDeadline
from khomun.schedule.services import (
    ScheduleError,
    due_for,
    periods_for_year,
    province_deadlines,
    set_province_deadline,
    sync_periods,
)

pytestmark = pytest.mark.django_db

D = dt.date
# Seed 000 (Chaiyaphum, FY2562): the department's due dates of each database.
SEED_2562 = {
    "volunteer_anniversary": [D(2019, 2, 28)],
    "development_standard": [D(2019, 3, 31), D(2019, 9, 30)],
    "leaders_orgs_networks": [D(2019, 9, 30)],
    "volunteer_evaluation": [D(2019, 9, 30)],
    "sufficiency_village": [D(2019, 3, 31), D(2019, 9, 30)],
    "savings_groups": [D(2018, 12, 20), D(2019, 3, 20), D(2019, 6, 20), D(2019, 9, 20)],
    "poverty_fund": [D(2019, 3, 20), D(2019, 9, 20)],
    "fund_management": [D(2019, 4, 30), D(2019, 7, 31)],
    "fund_networks": [D(2019, 9, 30)],
    "otop_sales": [D(2018 + (m >= 12), m % 12 + 1, 10) for m in range(10, 22)],
    "mother_land_fund": [D(2019, 4, 30)],
}
# Seed 001 (Lampang, FY2561).
SEED_2561 = {
    "volunteer_anniversary": [D(2018, 2, 28)],
    "development_standard": [D(2018, 3, 31), D(2018, 9, 30)],
    "community_leaders": [D(2018, 9, 30)],
    "volunteer_evaluation": [D(2018, 9, 30)],
    "orgs_networks": [D(2018, 9, 30)],
    "savings_groups": [D(2017, 12, 20), D(2018, 3, 20), D(2018, 6, 20), D(2018, 9, 20)],
    "poverty_fund": [D(2018, 3, 20), D(2018, 9, 20)],
    "fund_management": [D(2018, 9, 30)],
    "fund_networks": [D(2018, 9, 30)],
    "otop_sales": [D(2017 + (m >= 12), m % 12 + 1, 10) for m in range(10, 22)],
    "mother_land_fund": [D(2018, 4, 30)],
}
LAMPANG_ASKED = D(2018, 9, 6)  # "ภายในวันที่ ๖ กันยายน ๒๕๖๑" in seed 001


def dues_in_database(year: int) -> dict[str, list[dt.date]]:
    periods = Period.objects.filter(dataset__fiscal_year=year).select_related("dataset")
    dues: dict[str, list[dt.date]] = {}
    for period in periods.order_by("dataset__order", "number"):
        dues.setdefault(period.dataset.key, []).append(period.due)
    return dues


@pytest.mark.parametrize(("year", "table"), [(2562, SEED_2562), (2561, SEED_2561)])
def test_the_periods_in_the_database_match_the_seed_table(orgtree, year, table):
    load_catalog(year)
    assert dues_in_database(year) == table


def test_the_otop_periods_are_the_months_due_on_the_10th_of_the_next(catalog_2562):
    otop = Period.objects.filter(dataset__fiscal_year=2562, dataset__key="otop_sales")
    assert otop.get(number=1).due == D(2018, 11, 10)
    assert otop.get(number=12).due == D(2019, 10, 10)


def test_the_two_standard_periods_carry_their_notes(catalog_2562):
    periods = Period.objects.filter(dataset__fiscal_year=2562, dataset__key="development_standard")
    assert [p.note_th for p in periods] == [
        "บันทึกผู้สมัครภายในไตรมาส ๒",
        "บันทึกผู้ผ่านการรับรองภายในไตรมาส ๔",
    ]
    assert periods[0].label_th == "งวดที่ 1 (มี.ค. 2562)"


def test_lampangs_letter_names_eight_databases_due_in_september_2561(orgtree):
    load_catalog(2561)
    september = {
        p.dataset.key
        for p in periods_for_year(2561)
        if p.due.month == 9 and p.due.year == 2018 and p.dataset.key != "otop_sales"
    }
    assert len(september) == 8


def test_periods_of_a_year_come_in_table_order_and_only_when_published(catalog_2562):
    periods = periods_for_year(2562)
    assert periods[0].dataset.key == "volunteer_anniversary"
    assert [p.number for p in periods if p.dataset.key == "savings_groups"] == [1, 2, 3, 4]
    assert periods_for_year(2563) == []


def test_sync_drops_only_the_periods_the_new_rule_no_longer_has(lampang_data):
    dataset = Dataset.objects.get(fiscal_year=2562, key="savings_groups")
    data = dict(dataset.current.definition, periods={"rule": "monthly", "day": 10})
    sync_periods(dataset, parse(data))
    assert dataset.periods.count() == 12
    data = dict(dataset.current.definition, periods={"rule": "yearly", "due": ["09"]})
    sync_periods(dataset, parse(data))  # period 1 stays: only 2..12 go, and they are empty
    assert dataset.periods.count() == 1
    assert dataset.periods.get().records.count() == 1


def parse(data: dict[str, Any]) -> DatasetDefinition:
    return parse_definition(data, "test")


def test_sync_keeps_everything_when_a_dropped_period_has_records(lampang_data, lampang_recorder):
    from khomun.records.models import Record
    from khomun.records.services import save_record

    dataset = Dataset.objects.get(fiscal_year=2562, key="savings_groups")
    first = Record.objects.get(pk=lampang_data["lampang_record"])
    third = dataset.periods.get(number=3)
    save_record(
        lampang_recorder, third, dict(first.values), subject=first.subject,
        today=D(2019, 6, 1),
    )  # fmt: skip
    before = list(dataset.periods.values_list("number", "due"))
    data = dict(dataset.current.definition, periods={"rule": "twice_yearly", "due": ["03", "09"]})
    with pytest.raises(ScheduleError, match="งวดที่ 3 มีข้อมูลบันทึกแล้ว"):
        sync_periods(dataset, parse(data))
    assert list(dataset.periods.values_list("number", "due")) == before


# --- Province deadlines -----------------------------------------------------------


@pytest.fixture
def fy2561(orgtree):
    load_catalog(2561)


def september_savings(year: int = 2561) -> Period:
    return Period.objects.get(dataset__fiscal_year=year, dataset__key="savings_groups", number=4)


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def test_lampang_sets_6_september_2561_and_its_districts_are_due_then(fy2561, lampang_admin):
    period = september_savings()
    assert period.due == D(2018, 9, 20)
    deadline = set_province_deadline(lampang_admin, period, unit("52"), LAMPANG_ASKED)
    assert deadline is not None and deadline.set_by == lampang_admin
    assert due_for(period, unit("5201")) == LAMPANG_ASKED
    assert due_for(period, unit("52")) == LAMPANG_ASKED
    assert due_for(period, unit("3601")) == D(2018, 9, 20)
    assert due_for(period, unit("TH")) == D(2018, 9, 20)


def test_all_of_lampangs_september_databases_take_its_date(fy2561, lampang_admin):
    september = [p for p in periods_for_year(2561) if p.due.month == 9 and p.due.year == 2018]
    for period in september:
        set_province_deadline(lampang_admin, period, unit("52"), LAMPANG_ASKED)
    deadlines = province_deadlines(september, "52")
    assert len(deadlines) == len(september)
    assert {due_for(p, unit("520101"), deadlines) for p in september} == {LAMPANG_ASKED}


def test_a_later_date_than_the_departments_is_refused_naming_the_field(fy2561, lampang_admin):
    with pytest.raises(ScheduleError) as caught:
        set_province_deadline(lampang_admin, september_savings(), unit("52"), D(2018, 9, 21))
    assert caught.value.field == "due"
    assert caught.value.message == ("กำหนดส่งของจังหวัด: ต้องไม่ช้ากว่ากำหนดส่งของกรม (20 ก.ย. 2561)")
    assert not ProvinceDeadline.objects.exists()


def test_a_date_before_the_period_starts_is_refused(fy2561, lampang_admin):
    with pytest.raises(ScheduleError, match=r"ต้องไม่ก่อนวันเริ่มงวด \(1 ก.ค. 2561\)"):
        set_province_deadline(lampang_admin, september_savings(), unit("52"), D(2018, 6, 30))
    assert not ProvinceDeadline.objects.exists()


def test_the_departments_own_date_and_the_first_day_are_allowed(fy2561, lampang_admin):
    period = september_savings()
    set_province_deadline(lampang_admin, period, unit("52"), D(2018, 9, 20))
    set_province_deadline(lampang_admin, period, unit("52"), D(2018, 7, 1))
    assert ProvinceDeadline.objects.get().due == D(2018, 7, 1)


def test_none_clears_the_provinces_date(fy2561, lampang_admin):
    period = september_savings()
    set_province_deadline(lampang_admin, period, unit("52"), LAMPANG_ASKED)
    assert set_province_deadline(lampang_admin, period, unit("52"), None) is None
    assert due_for(period, unit("5201")) == D(2018, 9, 20)


def test_only_the_provinces_admin_or_the_department_may_set_it(
    fy2561, lampang_recorder, dept_admin, make_user
):
    period = september_savings()
    other_admin = make_user("chaiyaphum.admin", Role.PROVINCE_ADMIN, "36")
    for actor in (lampang_recorder, other_admin):
        with pytest.raises(ScheduleError, match="ไม่มีสิทธิ์"):
            set_province_deadline(actor, period, unit("52"), LAMPANG_ASKED)
    assert not ProvinceDeadline.objects.exists()
    set_province_deadline(dept_admin, period, unit("52"), LAMPANG_ASKED)
    assert ProvinceDeadline.objects.get().set_by == dept_admin


def test_a_deadline_is_set_for_a_province_not_a_district(fy2561, lampang_admin):
    with pytest.raises(ScheduleError, match="ไม่มีสิทธิ์"):
        set_province_deadline(lampang_admin, september_savings(), unit("5201"), LAMPANG_ASKED)
