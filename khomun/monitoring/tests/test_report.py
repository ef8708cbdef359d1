"""The recording-result report against the seed form (seed 001, last page)."""

import datetime as dt

import pytest

from khomun.accounts.choices import Role
from khomun.catalog.models import Dataset
from khomun.catalog.services import load_catalog
from khomun.monitoring import report
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records.models import Record
from khomun.records.services import create_subject, save_record

IN_SEPTEMBER = dt.date(2018, 9, 10)  # FY2561, before the September due dates
SINCE = dt.date(2017, 10, 1)

# The seed form's rows for Lampang, September 2561: database and period.
SEED_ROWS = [
    ("development_standard", "๒ (ก.ย)"),
    ("community_leaders", "๑ (ก.ย)"),
    ("volunteer_evaluation", "๑ (ก.ย)"),
    ("orgs_networks", "๑ (ก.ย)"),
    ("savings_groups", "๔ (ก.ย)"),
    ("poverty_fund", "๒ (ก.ย)"),
    ("fund_management", "๑ (ก.ย)"),
    ("fund_networks", "๑ (ก.ย)"),
]
SEED_NAMES = [
    "ข้อมูลผลการดำเนินงานตามระบบมาตรฐานการพัฒนาชุมชน (มชช.)",
    "ข้อมูลผู้นำ",
    "ข้อมูลผลการประเมินผู้นำ อช.",
    "ข้อมูลกลุ่มองค์กร เครือข่าย และชุมชน",
    "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต",
    "ข้อมูลโครงการแก้ไขปัญหาความยากจน (กข.คจ.)",
    "ข้อมูลสถาบันการจัดการเงินทุนชุมชน",
    "ข้อมูลเครือข่ายกองทุนชุมชน",
]
# kind of subject, the org-unit level it lives at, and unit values of mixed datasets.
KINDS = {
    "development_standard": ("standard_applicant", "village", ["community", "person"]),
    "community_leaders": ("community_leader", "village", []),
    "volunteer_evaluation": ("community_volunteer", "village", []),
    "orgs_networks": ("community_organisation", "village", ["group", "network", "community"]),
    "savings_groups": ("savings_group", "village", []),
    "poverty_fund": ("poverty_fund", "village", []),
    "fund_management": ("fund_management_centre", "subdistrict", []),
    "fund_networks": ("fund_network", "district", []),
}


def september_period(key):
    dataset = Dataset.objects.get(fiscal_year=2561, key=key)
    return dataset.periods.get(due__year=2018, due__month=9)


def _place(district_code, level, n):
    subdistrict = OrgUnit.objects.filter(parent__code=district_code).order_by("code").first()
    if level == "district":
        return OrgUnit.objects.get(code=district_code)
    if level == "subdistrict":
        return subdistrict
    return get_or_create_village(subdistrict.code, n, f"บ้านรายงาน {n}")


def fill_district(actor, district_code, sizes):
    """For each dataset: `expected` subjects, the first `recorded` of them with a draft
    record (mixed datasets cycle through their unit values)."""
    for key, (expected, recorded) in sizes.items():
        kind, level, units = KINDS[key]
        period = september_period(key)
        for n in range(1, expected + 1):
            subject = create_subject(
                actor,
                kind=kind,
                orgunit=_place(district_code, level, n),
                name=f"{key} {district_code} ที่ {n}",
                active_from=SINCE,
                confirm_duplicate=True,
            )
            if n <= recorded:
                values = {KINDS_FIELD[key]: units[n % len(units)]} if units else {}
                save_record(actor, period, values, subject=subject, today=IN_SEPTEMBER)


KINDS_FIELD = {"development_standard": "applicant_type", "orgs_networks": "record_type"}
MUANG = {key: (3, 2) for key in KINDS} | {"orgs_networks": (6, 5), "development_standard": (4, 3)}
MAE_MOH = {"savings_groups": (2, 1), "orgs_networks": (3, 3), "community_leaders": (2, 0)}


@pytest.fixture
def lampang_2561(orgtree, lampang_recorder, make_user):
    load_catalog(2561)
    mae_moh = make_user("maemoh.lampang", Role.DISTRICT_RECORDER, "5202")
    fill_district(lampang_recorder, "5201", MUANG)
    fill_district(mae_moh, "5202", MAE_MOH)
    return OrgUnit.objects.get(code="52")


def direct_count(key, unit_path, **values):
    records = Record.objects.filter(
        period=september_period(key), subject__orgunit_path__startswith=unit_path
    )
    for name, value in values.items():
        records = records.filter(**{f"values__{name}": value})
    return records.count()


@pytest.mark.django_db
def test_it_lists_the_seed_forms_databases_and_periods_in_order(lampang_2561):
    built = report.build(lampang_2561, 2561, 9)
    assert [(row.dataset.key, row.period_label) for row in built.rows] == SEED_ROWS
    assert [row.name for row in built.rows] == SEED_NAMES
    assert [row.number for row in built.rows] == list(range(1, 9))


@pytest.mark.django_db
def test_it_leaves_out_monthly_datasets_unless_asked(lampang_2561):
    keys = [row.dataset.key for row in report.build(lampang_2561, 2561, 9).rows]
    assert "otop_sales" not in keys
    with_monthly = report.build(lampang_2561, 2561, 9, include_monthly=True).rows
    assert [row.dataset.key for row in with_monthly][-1] == "otop_sales"
    assert len(with_monthly) == 9


@pytest.mark.django_db
def test_it_has_the_title_lines_of_the_form(lampang_2561):
    built = report.build(lampang_2561, 2561, 9)
    assert built.title_lines == [
        "รายงานผลการบันทึกข้อมูล",
        "ฐานข้อมูลของกรมการพัฒนาชุมชน",
        "ประจำปี พ.ศ. ๒๕๖๑",
        "จังหวัดลำปาง",
    ]


@pytest.mark.django_db
def test_its_counts_equal_a_direct_count_of_the_records(lampang_2561):
    rows = {row.dataset.key: row for row in report.build(lampang_2561, 2561, 9).rows}
    for key in KINDS:
        row = rows[key]
        recorded = direct_count(key, "TH/52/")
        assert row.recorded == recorded, key
        assert sum(n for n in row.counts.values()) == recorded, key
        expected = MUANG.get(key, (0, 0))[0] + MAE_MOH.get(key, (0, 0))[0]
        assert row.expected == expected, key


@pytest.mark.django_db
def test_it_counts_each_dataset_in_its_units_column(lampang_2561):
    rows = {row.dataset.key: row for row in report.build(lampang_2561, 2561, 9).rows}
    assert rows["community_leaders"].counts == {"person": 2}
    assert rows["volunteer_evaluation"].counts == {"person": 2}
    assert rows["savings_groups"].counts == {"group": 3}
    assert rows["poverty_fund"].counts == {"place": 2}
    assert rows["fund_management"].counts == {"place": 2}
    assert rows["fund_networks"].counts == {"network": 2}
    assert rows["savings_groups"].count("person") is None


@pytest.mark.django_db
def test_it_splits_mixed_datasets_by_each_records_unit(lampang_2561):
    rows = {row.dataset.key: row for row in report.build(lampang_2561, 2561, 9).rows}
    orgs = rows["orgs_networks"].counts
    assert orgs["network"] == direct_count("orgs_networks", "TH/52/", record_type="network")
    groups = direct_count("orgs_networks", "TH/52/", record_type="group")
    communities = direct_count("orgs_networks", "TH/52/", record_type="community")
    assert orgs["group"] == groups + communities
    assert orgs["network"] > 0 and orgs["group"] > 0
    standard = rows["development_standard"].counts
    assert standard["person"] == direct_count(
        "development_standard", "TH/52/", applicant_type="person"
    )
    assert standard["group"] == direct_count(
        "development_standard", "TH/52/", applicant_type="community"
    )


@pytest.mark.django_db
def test_it_carries_the_periods_note_as_remark(lampang_2561):
    first = report.build(lampang_2561, 2561, 9).rows[0]
    assert first.note == "บันทึกข้อมูลผู้ผ่านการรับรองภายในไตรมาส ๔"


@pytest.mark.django_db
def test_a_districts_report_counts_only_its_own_records(lampang_2561):
    district = OrgUnit.objects.get(code="5202")
    rows = {row.dataset.key: row for row in report.build(district, 2561, 9).rows}
    assert rows["savings_groups"].expected == 2
    assert rows["savings_groups"].recorded == direct_count("savings_groups", district.path)
    assert report.build(district, 2561, 9).place == "อำเภอแม่เมาะ จังหวัดลำปาง"


@pytest.mark.django_db
def test_it_takes_october_to_december_from_the_year_before(lampang_2561):
    rows = report.build(lampang_2561, 2561, 12).rows
    assert [(row.dataset.key, row.period_label) for row in rows] == [("savings_groups", "๑ (ธ.ค)")]
    assert rows[0].period.due == dt.date(2017, 12, 20)


@pytest.mark.django_db
def test_it_refuses_a_bad_month_or_year_naming_it(lampang_2561):
    with pytest.raises(report.ReportError) as month:
        report.build(lampang_2561, 2561, 13)
    assert month.value.argument == "month" and "เดือน" in month.value.message
    with pytest.raises(report.ReportError) as year:
        report.build(lampang_2561, 2555, 9)
    assert year.value.argument == "fiscal_year" and "ปีงบประมาณ" in year.value.message
