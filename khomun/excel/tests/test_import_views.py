"""The upload page, the progress page and its partial, the error report, and scope."""

import io

import openpyxl
import pytest
import time_machine

from khomun.excel.models import ImportJob, ImportState
from khomun.excel.tests.helpers import SAVINGS_HEADERS, SPRING, group_row, savings_file, xlsx_bytes
from khomun.records.models import Record

PERIOD = "/excel/2562/savings_groups/2/?orgunit=5201"


@pytest.fixture
def spring():
    with time_machine.travel(SPRING, tick=False):
        yield


def upload(client, content, name="groups.xlsx", url=PERIOD):
    return client.post(url, {"file": _file(content, name)})


def _file(content, name):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_the_period_page_offers_the_template_and_the_upload(
    spring, catalog_2562, lampang_recorder, client_for
):
    html = client_for(lampang_recorder).get(PERIOD).content.decode()
    assert "/excel/2562/savings_groups/2/template.xlsx?orgunit=5201" in html
    assert 'enctype="multipart/form-data"' in html
    assert "20 MB" in html


def test_an_upload_runs_and_the_page_shows_it_finished(
    spring, catalog_2562, lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    response = upload(client, savings_file(2))

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/excel/imports/{job.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert 'data-state="done"' in html and "100%" in html
    assert "hx-trigger" not in html  # nothing left to poll
    assert "บันทึกครบทั้ง 2 แถว" in html
    assert Record.objects.count() == 2


def test_the_status_partial_polls_while_the_job_runs(
    spring, catalog_2562, lampang_recorder, client_for, monkeypatch
):
    monkeypatch.setattr("khomun.excel.tasks.run_import.delay", lambda job_id: None)
    client = client_for(lampang_recorder)
    upload(client, savings_file(4))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.CHECKING, rows_total=4, rows_checked=2
    )

    html = client.get(f"/excel/imports/{job.pk}/status/").content.decode()

    assert f'hx-get="/excel/imports/{job.pk}/status/"' in html
    assert 'hx-trigger="every 1s"' in html
    assert 'value="25"' in html and "ตรวจแล้ว 2 จาก 4 แถว" in html


def test_a_file_with_errors_shows_them_and_stores_nothing(
    spring, catalog_2562, lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    rows = [SAVINGS_HEADERS, group_row(1), group_row(2, village="9999")]
    response = upload(client, xlsx_bytes(rows))
    html = client.get(response["Location"]).content.decode()

    assert 'data-state="failed"' in html
    assert "ไม่พบพื้นที่รหัส 9999 ในพื้นที่ของท่าน" in html
    assert "errors.xlsx" in html
    assert not Record.objects.exists()


def test_the_error_report_highlights_the_bad_cells(
    spring, catalog_2562, lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    rows = [SAVINGS_HEADERS, group_row(1), group_row(2, male="x", members=99)]
    upload(client, xlsx_bytes(rows))
    job = ImportJob.objects.get()

    response = client.get(f"/excel/imports/{job.pk}/errors.xlsx")

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    bad = sheet.cell(row=3, column=SAVINGS_HEADERS.index("สมาชิกชาย") + 1)
    good = sheet.cell(row=2, column=SAVINGS_HEADERS.index("สมาชิกชาย") + 1)
    assert bad.value == "x" and bad.fill.fgColor.rgb.endswith("F8C9C4")
    assert "ต้องเป็นจำนวนเต็ม" in bad.comment.text
    assert good.fill.fgColor.rgb in (None, "00000000")
    last = sheet.cell(row=3, column=len(SAVINGS_HEADERS) + 1).value
    assert "สมาชิกชาย: “สมาชิกชาย” ต้องเป็นจำนวนเต็ม" in last
    listed = [[c.value for c in row] for row in book.worksheets[1].iter_rows(min_row=2)]
    assert [3, "สมาชิกชาย", "x", "“สมาชิกชาย” ต้องเป็นจำนวนเต็ม"] in listed


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(
    spring, catalog_2562, lampang_recorder, client_for
):
    response = upload(client_for(lampang_recorder), b"%PDF-1.4\x00\x01", "report.pdf")
    assert response.status_code == 400
    assert "ไม่ใช่ตารางข้อมูล" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_executive_cannot_upload(spring, catalog_2562, executive, client_for):
    response = upload(client_for(executive), savings_file(1))
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_the_outsider_cannot_see_or_upload_for_lampang(
    spring, catalog_2562, lampang_recorder, chaiyaphum_recorder, client_for
):
    upload(client_for(lampang_recorder), savings_file(1))
    job = ImportJob.objects.get()
    outsider = client_for(chaiyaphum_recorder)
    for path in ("", "status/", "errors.xlsx"):
        assert outsider.get(f"/excel/imports/{job.pk}/{path}").status_code == 404
    assert upload(outsider, savings_file(1)).status_code == 404
    assert "groups.xlsx" not in outsider.get("/excel/").content.decode()
    assert ImportJob.objects.count() == 1


def test_a_province_admin_sees_its_districts_imports(
    spring, catalog_2562, lampang_recorder, lampang_admin, client_for
):
    upload(client_for(lampang_recorder), savings_file(1), "muang.xlsx")
    job = ImportJob.objects.get()
    admin = client_for(lampang_admin)

    assert "muang.xlsx" in admin.get("/excel/").content.decode()
    assert admin.get(f"/excel/imports/{job.pk}/").status_code == 200


def test_the_user_can_leave_and_find_the_import_again(
    spring, catalog_2562, lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    upload(client, savings_file(1), "first.xlsx")
    html = client.get("/excel/").content.decode()
    assert "first.xlsx" in html and f"/excel/imports/{ImportJob.objects.get().pk}/" in html
    assert "/excel/2562/savings_groups/2/?orgunit=5201" in html  # the open period


def test_a_province_admin_chooses_a_district_on_a_district_dataset(
    spring, catalog_2562, lampang_admin, client_for
):
    html = (
        client_for(lampang_admin).get("/excel/2562/savings_groups/2/?orgunit=52").content.decode()
    )
    assert "?orgunit=5201" in html and "template.xlsx" not in html
