import datetime as dt

import pytest

from khomun.catalog.models import Dataset
from khomun.orgunits.models import OrgUnit
from khomun.schedule.services import set_province_deadline

SAVINGS = "/api/v1/periods?dataset=savings_groups&fiscal_year=2562"


def test_the_savings_group_periods_are_due_as_the_seed_table_says(
    lampang_recorder, api_client, catalog_2562
):
    response = api_client(lampang_recorder).get(SAVINGS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [p["number"] for p in body["items"]] == [1, 2, 3, 4]
    assert [p["due"] for p in body["items"]] == [
        "2018-12-20",
        "2019-03-20",
        "2019-06-20",
        "2019-09-20",
    ]
    first = body["items"][0]
    assert {"number", "start", "end", "due", "note"} <= set(first)
    assert first["start"] == "2018-10-01" and first["end"] == "2018-12-31"
    assert first["department_due"] == "2018-12-20" and first["note"] == ""


def test_the_development_standard_periods_carry_their_notes(
    lampang_recorder, api_client, catalog_2562
):
    client = api_client(lampang_recorder)
    body = client.get("/api/v1/periods?dataset=development_standard&fiscal_year=2562").json()
    assert [p["note"] for p in body["items"]] == [
        "บันทึกผู้สมัครภายในไตรมาส ๒",
        "บันทึกผู้ผ่านการรับรองภายในไตรมาส ๔",
    ]
    assert [p["due"][:7] for p in body["items"]] == ["2019-03", "2019-09"]


def test_a_province_deadline_changes_due_only_for_its_own_districts(
    lampang_admin, lampang_recorder, chaiyaphum_recorder, dept_admin, api_client, catalog_2562
):
    period = Dataset.objects.get(fiscal_year=2562, key="savings_groups").periods.get(number=1)
    set_province_deadline(
        lampang_admin, period, OrgUnit.objects.get(code="52"), dt.date(2018, 12, 10)
    )
    lampang = api_client(lampang_recorder).get(f"{SAVINGS}&orgunit=5201").json()["items"]
    assert lampang[0]["due"] == "2018-12-10"
    assert lampang[0]["department_due"] == "2018-12-20"
    assert lampang[1]["due"] == "2019-03-20"  # no own deadline for period 2
    chaiyaphum = api_client(chaiyaphum_recorder).get(f"{SAVINGS}&orgunit=3601").json()["items"]
    assert chaiyaphum[0]["due"] == "2018-12-20"
    department = api_client(dept_admin)
    assert department.get(f"{SAVINGS}&orgunit=3601").json()["items"][0]["due"] == "2018-12-20"
    assert department.get(f"{SAVINGS}&orgunit=5201").json()["items"][0]["due"] == "2018-12-10"
    assert department.get(SAVINGS).json()["items"][0]["due"] == "2018-12-20"


def test_an_org_unit_out_of_scope_is_not_found(chaiyaphum_recorder, api_client, catalog_2562):
    response = api_client(chaiyaphum_recorder).get(f"{SAVINGS}&orgunit=5201")
    assert response.status_code == 404
    assert response.json()["errors"] == {}


def test_the_province_admin_reads_its_districts_but_not_others(
    lampang_admin, api_client, catalog_2562
):
    client = api_client(lampang_admin)
    assert client.get(f"{SAVINGS}&orgunit=5201").status_code == 200
    assert client.get(f"{SAVINGS}&orgunit=3601").status_code == 404


def test_an_unknown_dataset_is_not_found(lampang_recorder, api_client, catalog_2562):
    client = api_client(lampang_recorder)
    assert client.get("/api/v1/periods?dataset=nope&fiscal_year=2562").status_code == 404
    assert client.get("/api/v1/periods?dataset=savings_groups&fiscal_year=2555").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [("fiscal_year=2562", "dataset"), ("dataset=savings_groups&fiscal_year=x", "fiscal_year")],
)
def test_bad_parameters_name_the_field(lampang_recorder, api_client, catalog_2562, query, field):
    response = api_client(lampang_recorder).get(f"/api/v1/periods?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and body["errors"][field][0]


def test_monthly_periods_are_a_fixed_number_of_queries(
    lampang_recorder, api_client, catalog_2562, django_assert_max_num_queries
):
    client = api_client(lampang_recorder)
    url = "/api/v1/periods?dataset=otop_sales&fiscal_year=2562&orgunit=5201"
    client.get(url)
    with django_assert_max_num_queries(6):
        body = client.get(url).json()
    assert body["count"] == 12
