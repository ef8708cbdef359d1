"""GET /api/v1/completeness: a unit's figures for one period, with each child unit."""

import pytest

from khomun.monitoring.tests.conftest import make_groups, record_group

URL = "/api/v1/completeness?dataset=savings_groups&fiscal_year=2562&period=1"


@pytest.fixture
def lampang(catalog_2562, lampang_recorder, lampang_admin):
    groups = make_groups(lampang_recorder, "5201", 3)
    record_group(lampang_recorder, groups[0])
    record_group(lampang_recorder, groups[1], complete=False)
    (other,) = make_groups(lampang_admin, "5202", 1)
    record_group(lampang_admin, other)


def test_it_returns_the_figures_and_the_children(lampang, lampang_admin, api_client):
    response = api_client(lampang_admin).get(URL + "&orgunit=52")
    assert response.status_code == 200
    body = response.json()
    assert body["orgunit"] == "52" and body["name_th"] == "ลำปาง"
    figures = {k: body[k] for k in ("expected", "recorded", "complete", "submitted", "missing")}
    assert figures == {"expected": 4, "recorded": 3, "complete": 2, "submitted": 0, "missing": 1}
    assert body["complete_rate"] == 0.5
    assert {"approved", "on_time", "late"} <= set(body)
    children = {c["orgunit"]: c for c in body["children"]}
    assert list(children)[:2] == ["5201", "5202"]
    assert (children["5201"]["expected"], children["5201"]["missing"]) == (3, 1)
    assert children["5202"]["complete_rate"] == 1.0
    assert children["5203"]["complete_rate"] is None


def test_it_defaults_to_the_callers_unit(lampang, lampang_recorder, api_client):
    body = api_client(lampang_recorder).get(URL).json()
    assert body["orgunit"] == "5201" and body["expected"] == 3
    assert {c["orgunit"][:4] for c in body["children"]} == {"5201"}  # subdistricts


def test_the_outsider_gets_404(lampang, chaiyaphum_recorder, api_client):
    response = api_client(chaiyaphum_recorder).get(URL + "&orgunit=52")
    assert response.status_code == 404
    assert response.json()["message"]


def test_a_district_cannot_read_the_province(lampang, lampang_recorder, api_client):
    assert api_client(lampang_recorder).get(URL + "&orgunit=52").status_code == 404


def test_an_unknown_dataset_or_period_is_a_400_naming_the_field(lampang, lampang_admin, api_client):
    client = api_client(lampang_admin)
    bad = client.get("/api/v1/completeness?dataset=nope&fiscal_year=2562&period=1&orgunit=52")
    assert bad.status_code == 400 and bad.json()["field"] == "dataset"
    bad = client.get(URL.replace("period=1", "period=9") + "&orgunit=52")
    assert bad.status_code == 400 and bad.json()["field"] == "period"
    missing = client.get("/api/v1/completeness?fiscal_year=2562&period=1")
    assert missing.status_code == 400 and "dataset" in missing.json()["errors"]


def test_a_save_shows_at_once(lampang, lampang_admin, api_client):
    client = api_client(lampang_admin)
    before = client.get(URL + "&orgunit=5203").json()
    (group,) = make_groups(lampang_admin, "5203", 1)
    record_group(lampang_admin, group)
    after = client.get(URL + "&orgunit=5203").json()
    assert (before["expected"], before["complete"]) == (0, 0)
    assert (after["expected"], after["complete"]) == (1, 1)


def test_the_query_count_does_not_grow_with_districts(
    catalog_2562, dept_admin, api_client, django_assert_max_num_queries
):
    client = api_client(dept_admin)
    client.get(URL + "&orgunit=TH")
    # One district's figures changed since the last read (they are recounted) ...
    record_group(dept_admin, make_groups(dept_admin, "5203", 1)[0])
    with django_assert_max_num_queries(16) as few:
        assert client.get(URL + "&orgunit=TH").status_code == 200
    # ... against five districts in three provinces: one recount all the same.
    for code in ("5201", "5202", "3601", "3602", "5001"):
        for group in make_groups(dept_admin, code, 2):
            record_group(dept_admin, group)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(URL + "&orgunit=TH").json()
    assert body["complete"] == 11 and len(body["children"]) >= 76
