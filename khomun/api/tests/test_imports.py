"""POST /api/v1/imports and GET /api/v1/imports/{id}: scope, refusals, progress, errors."""

import io

import pytest
import time_machine

from khomun.excel.models import ImportJob
from khomun.excel.tests.helpers import SAVINGS_HEADERS, SPRING, group_row, savings_file, xlsx_bytes
from khomun.records.models import Record


@pytest.fixture
def spring():
    with time_machine.travel(SPRING, tick=False):
        yield


def post_import(client, content, name="groups.xlsx", **fields):
    handle = io.BytesIO(content)
    handle.name = name
    data = {"dataset": "savings_groups", "fiscal_year": 2562, "period": 2, "orgunit": "5201"}
    data.update(fields)
    return client.post("/api/v1/imports", {**data, "file": handle})


def test_it_imports_a_file_and_reports_progress(spring, catalog_2562, lampang_recorder, api_client):
    client = api_client(lampang_recorder)
    response = post_import(client, savings_file(3))

    assert response.status_code == 201
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/imports/{job_id}").json()
    assert body["state"] == "done"
    assert (body["rows_total"], body["rows_checked"], body["rows_stored"]) == (3, 3, 3)
    assert body["errors"] == []
    assert Record.objects.count() == 3


def test_it_reports_errors_by_row_and_column_and_stores_nothing(
    spring, catalog_2562, lampang_recorder, api_client
):
    client = api_client(lampang_recorder)
    rows = [SAVINGS_HEADERS, group_row(1), group_row(2, members="ยี่สิบห้า")]
    job_id = post_import(client, xlsx_bytes(rows)).json()["id"]

    body = client.get(f"/api/v1/imports/{job_id}").json()
    assert body["state"] == "failed" and body["rows_stored"] == 0
    error = body["errors"][0]
    assert {k: error[k] for k in ("row", "column", "message")} == {
        "row": 3,
        "column": "จำนวนสมาชิกทั้งหมด",
        "message": "“จำนวนสมาชิกทั้งหมด” ต้องเป็นจำนวนเต็ม",
    }
    assert not Record.objects.exists()


def test_a_non_spreadsheet_gets_a_400_in_the_one_error_shape(
    spring, catalog_2562, lampang_recorder, api_client
):
    response = post_import(api_client(lampang_recorder), b"\x89PNG\r\n\x1a\n\x00", "photo.png")
    assert response.status_code == 400
    assert response.json()["field"] == "file"
    assert "ไม่ใช่ตารางข้อมูล" in response.json()["errors"]["file"][0]
    assert not ImportJob.objects.exists()


def test_an_unknown_period_gets_a_400(spring, catalog_2562, lampang_recorder, api_client):
    response = post_import(api_client(lampang_recorder), savings_file(1), period=9)
    assert response.status_code == 400 and response.json()["field"] == "period"


def test_the_outsider_gets_404_for_lampang_imports(
    spring, catalog_2562, lampang_recorder, chaiyaphum_recorder, api_client
):
    job_id = post_import(api_client(lampang_recorder), savings_file(1)).json()["id"]
    outsider = api_client(chaiyaphum_recorder)

    assert outsider.get(f"/api/v1/imports/{job_id}").status_code == 404
    assert post_import(outsider, savings_file(1)).status_code == 404
    assert ImportJob.objects.count() == 1


def test_an_executive_may_not_import(spring, catalog_2562, executive, api_client):
    assert post_import(api_client(executive), savings_file(1)).status_code == 403


def test_a_province_admin_follows_a_district_import(
    spring, catalog_2562, lampang_recorder, lampang_admin, api_client
):
    job_id = post_import(api_client(lampang_recorder), savings_file(1)).json()["id"]
    assert api_client(lampang_admin).get(f"/api/v1/imports/{job_id}").json()["state"] == "done"
