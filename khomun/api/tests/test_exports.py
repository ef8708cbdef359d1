"""GET /api/v1/exports: streamed CSV and .xlsx, masking, logging, scope."""

import io

import openpyxl
import pytest
import time_machine

from khomun.excel.models import ExportLog
from khomun.excel.tests.helpers import SPRING, load_all_types
from khomun.orgunits.models import OrgUnit
from khomun.records.services import save_record

URL = "/api/v1/exports?dataset=all_types&fiscal_year=2562"


@pytest.fixture
def person(catalog_2562, lampang_recorder):
    with time_machine.travel(SPRING, tick=False):
        period = load_all_types()
        return save_record(
            lampang_recorder,
            period,
            {
                "full_name": "นางสาวสมหญิง รักถิ่น",
                "national_id": "1101200012345",
                "phone": "0812345678",
            },
            orgunit=OrgUnit.objects.get(code="5201"),
        )


def body(response):
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def test_it_streams_csv_with_a_bom(person, lampang_recorder, api_client):
    text = body(api_client(lampang_recorder).get(URL + "&period=2&orgunit=5201&format=csv"))
    assert text.startswith(b"\xef\xbb\xbf")
    assert "นางสาวสมหญิง รักถิ่น" in text.decode("utf-8-sig")
    assert "1101200012345" in text.decode("utf-8-sig")
    log = ExportLog.objects.get()
    assert log.via_api and log.user == lampang_recorder and log.rows == 1


def test_it_streams_xlsx(person, lampang_recorder, api_client):
    content = body(api_client(lampang_recorder).get(URL + "&format=xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 2 and "ชื่อ-สกุล" in [c.value for c in sheet[1]]


def test_an_executive_gets_masked_personal_data(person, executive, api_client):
    text = body(api_client(executive).get(URL + "&format=csv")).decode("utf-8-sig")
    assert "1101200012345" not in text and "xxxxxxxxx2345" in text
    assert "0812345678" not in text and "xxxxxx5678" in text
    assert not ExportLog.objects.get().unmasked


def test_the_outsider_gets_404_for_lampang(person, chaiyaphum_recorder, api_client):
    response = api_client(chaiyaphum_recorder).get(URL + "&orgunit=5201&format=csv")
    assert response.status_code == 404
    assert not ExportLog.objects.exists()


def test_a_bad_format_or_dataset_gets_a_400(catalog_2562, lampang_recorder, api_client):
    client = api_client(lampang_recorder)
    assert client.get(URL + "&format=pdf").status_code == 400
    response = client.get("/api/v1/exports?dataset=nothing&fiscal_year=2562")
    assert response.status_code == 400 and response.json()["field"] == "dataset"
