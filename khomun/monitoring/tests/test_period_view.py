"""A unit's period: figures, children, the missing and incomplete subjects, the approval
panel and its actions (submit, approve, return, reopen) through the web."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from khomun.monitoring import approval
from khomun.monitoring.models import Reopening
from khomun.monitoring.tests.conftest import AFTER_DUE, AFTER_LOCK
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.models import Record

PERIOD = "/monitoring/2562/5201/savings_groups/1/"


@pytest.fixture
def before_lock():
    with time_machine.travel(dt.datetime(2019, 1, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def after_lock():
    with time_machine.travel(dt.datetime(2019, 1, 25, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_it_lists_the_missing_and_incomplete_subjects_with_links_to_record(
    muang, lampang_recorder, client_for, before_lock
):
    html = client_for(lampang_recorder).get(PERIOD).content.decode()
    assert html.count('data-testid="gap"') == 2
    assert "กลุ่มออมทรัพย์ 5201-3" in html and "กลุ่มออมทรัพย์ 5201-4" in html
    assert "กลุ่มออมทรัพย์ 5201-1" not in html  # complete: not a gap
    missing = muang["groups"][3]
    assert f"/records/2562/savings_groups/1/new/?subject={missing.pk}" in html
    assert f"/records/r/{muang['draft'].pk}/edit/" in html


def test_an_executive_reads_without_links_to_record(muang, executive, client_for, before_lock):
    html = client_for(executive).get(PERIOD).content.decode()
    assert html.count('data-testid="gap"') == 2
    assert "/new/?subject=" not in html and "/edit/" not in html
    assert 'data-testid="submit-district"' not in html
    assert 'data-testid="approve-district"' not in html


def test_the_province_page_shows_its_districts(muang, lampang_admin, client_for):
    html = client_for(lampang_admin).get("/monitoring/2562/52/savings_groups/1/").content.decode()
    assert 'data-testid="child-5201"' in html
    assert 'href="/monitoring/2562/5201/savings_groups/1/"' in html


def test_the_district_head_submits_through_the_page(muang, district_head, client_for, before_lock):
    client = client_for(district_head)
    assert 'data-testid="submit-district"' in client.get(PERIOD).content.decode()
    response = client.post(PERIOD + "submit/", follow=True)
    html = response.content.decode()
    assert "ส่งข้อมูลแล้ว 2 รายการ" in html
    assert "ยังมีรายการที่ยังไม่บันทึกหรือไม่ครบถ้วน 2 รายการ" in html
    assert "ส่งแล้ว รอจังหวัดอนุมัติ" in html
    assert all(r.state == "submitted" for r in Record.objects.filter(complete=True))


def test_a_recorder_cannot_submit_the_district(muang, lampang_recorder, client_for, before_lock):
    assert client_for(lampang_recorder).post(PERIOD + "submit/").status_code == 403
    assert not Record.objects.filter(state="submitted").exists()


@pytest.fixture
def sent(muang, district_head):
    district = OrgUnit.objects.get(code="5201")
    period = muang["draft"].period
    approval.submit_district(district_head, period, district, today=AFTER_DUE)
    return muang


def test_the_province_returns_and_the_recorder_sees_why(
    sent, lampang_admin, lampang_recorder, client_for, before_lock
):
    response = client_for(lampang_admin).post(
        PERIOD + "return/", {"comment": "ยอดเงินออมไม่ตรงกับสมุด"}, follow=True
    )
    assert "ส่งกลับให้แก้ไขแล้ว 2 รายการ" in response.content.decode()
    html = client_for(lampang_recorder).get(PERIOD).content.decode()
    assert 'data-testid="returned"' in html and "ยอดเงินออมไม่ตรงกับสมุด" in html
    record = sent["complete"][0]
    detail = client_for(lampang_recorder).get(f"/records/r/{record.pk}/").content.decode()
    assert "ยอดเงินออมไม่ตรงกับสมุด" in detail
    history = html[html.index('data-testid="history"') :]
    assert "ส่งกลับ" in history and "ยอดเงินออมไม่ตรงกับสมุด" in history


def test_a_return_without_a_comment_changes_nothing(sent, lampang_admin, client_for):
    response = client_for(lampang_admin).post(PERIOD + "return/", {"comment": ""}, follow=True)
    assert "เหตุผลที่ส่งกลับ" in response.content.decode()
    assert not Record.objects.filter(state=RecordState.RETURNED).exists()


def test_the_province_approves_through_the_page(sent, lampang_admin, client_for, before_lock):
    response = client_for(lampang_admin).post(PERIOD + "approve/", follow=True)
    html = response.content.decode()
    assert "อนุมัติแล้ว 2 รายการ" in html
    assert Record.objects.filter(state=RecordState.APPROVED).count() == 2


@pytest.mark.parametrize("who", ["lampang_recorder", "district_head", "executive"])
def test_district_users_and_executives_cannot_approve_return_or_reopen(
    sent, who, request, client_for
):
    client = client_for(request.getfixturevalue(who))
    assert client.post(PERIOD + "approve/").status_code == 403
    assert client.post(PERIOD + "return/", {"comment": "x"}).status_code == 403
    assert client.post(PERIOD + "reopen/", {"days": 3, "reason": "x"}).status_code == 403
    assert Record.objects.filter(state=RecordState.SUBMITTED).count() == 2
    assert not Reopening.objects.exists()


def test_the_province_reopens_a_locked_period_for_the_district(
    muang, lampang_admin, district_head, client_for, after_lock
):
    html = client_for(district_head).get(PERIOD).content.decode()
    assert "ปิดรับข้อมูลแล้ว" in html and 'data-testid="submit-district"' not in html
    response = client_for(lampang_admin).post(
        PERIOD + "reopen/", {"days": 3, "reason": "ไฟฟ้าดับทั้งอำเภอ"}, follow=True
    )
    assert "เปิดรับข้อมูลให้อำเภอเมืองลำปาง ถึงวันที่ 27 มกราคม 2562 แล้ว" in response.content.decode()
    row = Reopening.objects.get()
    assert (row.until, row.by, row.reason) == (
        AFTER_LOCK + dt.timedelta(days=2),
        lampang_admin,
        "ไฟฟ้าดับทั้งอำเภอ",
    )
    html = client_for(district_head).get(PERIOD).content.decode()
    assert 'data-testid="submit-district"' in html and "ไฟฟ้าดับทั้งอำเภอ" in html


def test_a_bad_reopening_says_which_field(muang, lampang_admin, client_for, after_lock):
    response = client_for(lampang_admin).post(
        PERIOD + "reopen/", {"days": 0, "reason": "x"}, follow=True
    )
    assert "จำนวนวัน" in response.content.decode()
    assert not Reopening.objects.exists()


def test_it_exports_the_gaps_to_xlsx(muang, lampang_admin, client_for):
    response = client_for(lampang_admin).get(PERIOD + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in row] for row in book["รายการที่ยังขาด"].iter_rows()]
    assert rows[1][:4] == ["ชื่อ", "พื้นที่", "รหัสพื้นที่", "สถานะ"]
    assert sorted((r[0], r[3]) for r in rows[2:]) == [
        ("กลุ่มออมทรัพย์ 5201-3", "ยังไม่ครบถ้วน"),
        ("กลุ่มออมทรัพย์ 5201-4", "ยังไม่บันทึก"),
    ]
    province = client_for(lampang_admin).get("/monitoring/2562/52/savings_groups/1/?format=xlsx")
    sheet = load_workbook(io.BytesIO(province.content))["รายหน่วยงาน"]
    codes = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert codes[0] == "5201" and codes[-1] == "52"


def test_the_outsider_gets_404_everywhere(muang, chaiyaphum_recorder, client_for):
    client = client_for(chaiyaphum_recorder)
    assert client.get(PERIOD).status_code == 404
    for action in ("submit", "approve", "return", "reopen"):
        assert client.post(PERIOD + f"{action}/", {"comment": "x"}).status_code == 404


def test_the_period_page_links_to_the_quality_review(
    muang, lampang_recorder, client_for, before_lock
):
    html = client_for(lampang_recorder).get(PERIOD).content.decode()
    assert "/quality/2562/5201/savings_groups/1/" in html
