"""In a real headless Chromium: a district recorder downloads the template, fills it
(openpyxl, as Excel would), uploads it, watches the import finish and sees the records."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import PASSWORD, screenshot
from khomun.excel.tests.helpers import fill_template, template_headers
from khomun.orgunits.services import get_or_create_village
from khomun.records.models import Record
from khomun.records.services import create_subject

# 1 March 2562 BE: savings-group period 2 (due 20 March 2562) is open.
SPRING = dt.datetime(2019, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok"))


@pytest.mark.browser
def test_a_district_recorder_fills_the_template_uploads_it_and_sees_the_records(
    browser_page, catalog_2562, lampang_recorder, tmp_path
):
    village = get_or_create_village("520101", 3, "บ้านสบตุ๋ย")
    create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=village,
        name="กลุ่มออมทรัพย์เพื่อการผลิตบ้านสบตุ๋ย",
        attributes={"group_name": "กลุ่มออมทรัพย์เพื่อการผลิตบ้านสบตุ๋ย"},
    )
    page = browser_page
    with time_machine.travel(SPRING, tick=True):
        page.goto(page.base_url + "/")
        page.fill("#id_username", lampang_recorder.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(page.base_url + "/")

        page.goto(page.base_url + "/excel/")
        screenshot(page, "excel-home")
        page.click("[data-testid=excel-period][data-dataset=savings_groups]")
        page.wait_for_url("**/excel/2562/savings_groups/2/?orgunit=5201")
        with page.expect_download() as download_info:
            page.click("[data-testid=download-template]")
        download = download_info.value
        assert download.suggested_filename == "savings_groups_2562_p2_5201.xlsx"
        template = Path(download.path()).read_bytes()
        assert "ชื่อกลุ่มออมทรัพย์เพื่อการผลิต *" in template_headers(template)

        filled = fill_template(
            template,
            [
                {
                    "ชื่อกลุ่มออมทรัพย์เพื่อการผลิต": "กลุ่มออมทรัพย์บ้านป่าขาม",
                    "หมู่บ้านที่ตั้งกลุ่ม": "52010104",
                    "วันที่จัดตั้งกลุ่ม": "01/05/2547",
                    "สมาชิกชาย": 12,
                    "สมาชิกหญิง": 25,
                    "จำนวนสมาชิกทั้งหมด": 37,
                    "เงินสัจจะสะสมทรัพย์คงเหลือ": "185,000.50",
                    "เงินให้สมาชิกกู้คงค้าง": 92500,
                    "ผลการตรวจสุขภาพกลุ่ม": "ระดับ 3 ดี",
                },
                {
                    "ชื่อกลุ่มออมทรัพย์เพื่อการผลิต": "กลุ่มออมทรัพย์บ้านหัวฝาย",
                    "หมู่บ้านที่ตั้งกลุ่ม": "52010105",
                    "สมาชิกชาย": "๑๐",
                    "สมาชิกหญิง": "๑๐",
                    "จำนวนสมาชิกทั้งหมด": "๒๐",
                    "เงินสัจจะสะสมทรัพย์คงเหลือ": 50000,
                    "เงินให้สมาชิกกู้คงค้าง": 0,
                },
            ],
        )
        path = tmp_path / "กลุ่มออมทรัพย์.xlsx"
        path.write_bytes(filled)
        page.set_input_files("#id_file", str(path))
        screenshot(page, "excel-period-upload")
        page.click("[data-testid=upload-form] button[type=submit]")

        page.wait_for_url("**/excel/imports/*/")
        progress = page.locator("[data-testid=import-progress]")
        page.wait_for_function(
            "document.querySelector('[data-testid=import-progress]').value === 100"
        )
        assert progress.get_attribute("value") == "100"
        assert page.locator("[data-testid=import-percent]").inner_text() == "100%"
        done = page.locator("[data-testid=import-done]").inner_text()
        assert "บันทึกครบทั้ง 3 แถว" in done and "เพิ่มใหม่ 2" in done
        screenshot(page, "excel-import-done")

        page.click("[data-testid=see-records]")
        page.wait_for_url("**/records/2562/savings_groups/2/**")
        rows = page.locator("[data-testid=subject-row]")
        assert rows.count() == 3
        text = page.content()
        assert "กลุ่มออมทรัพย์บ้านป่าขาม" in text and "กลุ่มออมทรัพย์บ้านหัวฝาย" in text
        screenshot(page, "excel-records-after-import")

    stored = Record.objects.get(subject__name="กลุ่มออมทรัพย์บ้านป่าขาม").values
    assert stored["members"] == 37 and stored["savings_balance"] == "185000.50"
    assert stored["founded_date"] == "2004-05-01" and stored["health_level"] == "3"
    assert Record.objects.get(subject__name="กลุ่มออมทรัพย์บ้านหัวฝาย").values["members"] == 20
    # The pre-filled group left untouched gets no empty record.
    assert not Record.objects.filter(subject__name="กลุ่มออมทรัพย์เพื่อการผลิตบ้านสบตุ๋ย").exists()
