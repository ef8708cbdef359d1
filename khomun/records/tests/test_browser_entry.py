"""In a real headless Chromium: a district recorder records one savings group and submits."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import PASSWORD, screenshot
from khomun.orgunits.services import get_or_create_village
from khomun.records.choices import RecordState
from khomun.records.models import Record
from khomun.records.services import create_subject

# 1 March 2562 BE: savings-group period 2 (due 20 March 2562) is open.
SPRING = dt.datetime(2019, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


@pytest.mark.browser
def test_a_district_recorder_fills_a_savings_group_fixes_an_error_and_submits(
    browser_page, catalog_2562, lampang_recorder
):
    village = get_or_create_village("520101", 3, "สบตุ๋ย")
    group = create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=village,
        name="กลุ่มออมทรัพย์เพื่อการผลิตบ้านสบตุ๋ย",
        attributes={"group_name": "กลุ่มออมทรัพย์เพื่อการผลิตบ้านสบตุ๋ย"},
    )
    page = browser_page
    # The live server runs in another thread: the clock moves for both, from 1 March.
    with time_machine.travel(SPRING, tick=True):
        page.goto(page.base_url + "/")
        page.fill("#id_username", lampang_recorder.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(page.base_url + "/")

        row = page.locator("[data-testid=due-item][data-dataset=savings_groups]")
        assert "20 มีนาคม 2562" in row.inner_text()
        screenshot(page, "entry-home-due-list")
        row.click()
        page.wait_for_url("**/records/2562/savings_groups/2/**")
        assert "กลุ่มออมทรัพย์เพื่อการผลิตบ้านสบตุ๋ย" in page.content()
        page.click(f"a[href$='new/?subject={group.pk}']")

        assert page.input_value("#id_group_name") == "กลุ่มออมทรัพย์เพื่อการผลิตบ้านสบตุ๋ย"
        page.fill("#id_village", village.code)
        page.fill("#id_founded_date", "01052547")
        page.fill("#id_members_male", "12")
        page.fill("#id_members_female", "25")
        page.fill("#id_members", "36")  # 12 + 25 is 37
        page.fill("#id_savings_balance", "185000")
        page.fill("#id_loans_outstanding", "92500.5")
        page.select_option("#id_health_level", "3")
        # The masks lay out the date and the baht as they are read.
        assert page.input_value("#id_founded_date") == "01/05/2547"
        assert page.input_value("#id_savings_balance") == "185,000"
        page.click("button[value=submit]")

        error = page.locator("[data-testid=error-members]")
        error.wait_for()
        assert "สมาชิกชายรวมกับสมาชิกหญิงต้องเท่ากับจำนวนสมาชิกทั้งหมด" in error.inner_text()
        assert page.input_value("#id_members_female") == "25"  # what was typed is kept
        screenshot(page, "entry-form-thai-error")
        assert not Record.objects.exists()

        page.fill("#id_members", "37")
        page.click("button[value=submit]")
        page.wait_for_url("**/records/2562/savings_groups/2/**")
        assert "ส่งข้อมูลเรียบร้อยแล้ว" in page.content()
        assert "ส่งแล้ว" in page.locator("[data-testid=subject-row]").inner_text()
        screenshot(page, "entry-period-submitted")

    record = Record.objects.get()
    assert record.subject == group and record.state == RecordState.SUBMITTED
    assert record.values["members"] == 37 and record.values["savings_balance"] == "185000.00"
    assert record.values["founded_date"] == "2004-05-01"
    assert record.submitted_by == lampang_recorder


@pytest.mark.browser
def test_the_form_masks_ids_and_phones_and_shows_only_the_fields_of_the_chosen_type(
    browser_page, catalog_2562, lampang_recorder
):
    page = browser_page
    with time_machine.travel(dt.datetime(2019, 8, 1, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))):
        page.goto(page.base_url + "/")
        page.fill("#id_username", lampang_recorder.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(page.base_url + "/")
        page.goto(page.base_url + "/records/2562/leaders_orgs_networks/1/new/?orgunit=5201")
        page.select_option("#id_record_type", "group")
        assert not page.is_visible("#id_national_id") and page.is_visible("#id_org_name")
        page.select_option("#id_record_type", "person")
        assert page.is_visible("#id_national_id") and not page.is_visible("#id_org_name")
        page.fill("#id_national_id", "1101700230708")
        page.fill("#id_phone", "0812345678")
        assert page.input_value("#id_national_id") == "1-1017-00230-70-8"
        assert page.input_value("#id_phone") == "081-234-5678"
        page.type("#id_birth_date", "๑๒๐๒๒๕๑๐")  # Thai digits typed one by one
        assert page.input_value("#id_birth_date") == "12/02/2510"
        screenshot(page, "entry-form-person-masks")
