"""Downloading the recording-result report from the monitoring screen, and its scope:
the outsider gets 404, a district gets its own district's report only."""

import io

import pytest
from openpyxl import load_workbook

from khomun.monitoring.tests.test_report import SEED_NAMES, lampang_2561  # noqa: F401

URL = "/monitoring/2561/{code}/report/?month=9&format={kind}"


def rows_of(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.django_db
def test_the_province_admin_downloads_the_xlsx(lampang_2561, lampang_admin, client_for):  # noqa: F811
    response = client_for(lampang_admin).get(URL.format(code="52", kind="xlsx"))
    assert response.status_code == 200
    assert "khomun-recording-52-2561-09.xlsx" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][0] == "รายงานผลการบันทึกข้อมูล" and rows[3][0] == "จังหวัดลำปาง"
    assert [row[1] for row in rows if row[0] and row[0] in "๑๒๓๔๕๖๗๘"] == SEED_NAMES


@pytest.mark.django_db
def test_the_province_admin_downloads_the_pdf(lampang_2561, lampang_admin, client_for):  # noqa: F811
    response = client_for(lampang_admin).get(URL.format(code="52", kind="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_matrix_links_to_the_report(lampang_2561, lampang_admin, client_for):  # noqa: F811
    page = client_for(lampang_admin).get("/monitoring/2561/52/").content.decode()
    assert 'action="/monitoring/2561/52/report/"' in page
    assert 'data-testid="report-pdf"' in page and 'data-testid="report-xlsx"' in page


@pytest.mark.django_db
def test_the_outsider_gets_404(lampang_2561, chaiyaphum_recorder, client_for):  # noqa: F811
    client = client_for(chaiyaphum_recorder)
    for code in ("52", "5201"):
        for kind in ("xlsx", "pdf"):
            assert client.get(URL.format(code=code, kind=kind)).status_code == 404


@pytest.mark.django_db
def test_a_district_gets_its_own_district_only(lampang_2561, lampang_recorder, client_for):  # noqa: F811
    client = client_for(lampang_recorder)
    assert client.get(URL.format(code="52", kind="xlsx")).status_code == 404
    assert client.get(URL.format(code="5202", kind="xlsx")).status_code == 404
    own = client.get(URL.format(code="5201", kind="xlsx"))
    assert own.status_code == 200
    rows = rows_of(own)
    assert rows[3][0] == "อำเภอเมืองลำปาง จังหวัดลำปาง"
    savings = next(row for row in rows if row[1] == "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต")
    assert savings[3] == 3  # Mueang Lampang's three savings groups, not the province's five


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["month=13&format=pdf", "month=ก.ย&format=pdf", "month=9&format=doc"]
)
def test_bad_parameters_give_404(lampang_2561, lampang_admin, client_for, query):  # noqa: F811
    response = client_for(lampang_admin).get(f"/monitoring/2561/52/report/?{query}")
    assert response.status_code == 404


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(URL.format(code="52", kind="pdf"))
    assert response.status_code == 302
