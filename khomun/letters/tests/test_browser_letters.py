"""In a real headless Chromium: a province admin goes from the monitoring screen to a
reminder letter for two late districts and downloads it as PDF and as DOCX."""

import io
import zipfile

import pytest

from conftest import screenshot
from khomun.letters.models import Letter
from khomun.monitoring.tests.test_browser_monitoring import log_in_with_two_factor


@pytest.mark.browser
def test_a_province_admin_sends_a_reminder_to_two_late_districts(
    browser_page, late_districts, lampang_settings, lampang_admin
):
    page = browser_page
    log_in_with_two_factor(page, lampang_admin)
    page.goto(page.base_url + "/monitoring/2562/52/")
    page.click("[data-testid=letter-link]")
    page.wait_for_url("**/letters/new/52/**")
    page.select_option("#q-month", "12")
    page.click("[data-testid=letter-period] button[type=submit]")
    page.wait_for_url("**month=12**")
    listed = page.locator("[data-testid=missing-districts] li")
    assert listed.count() == 2
    assert "อำเภอเมืองลำปาง" in listed.nth(0).inner_text()
    assert page.evaluate("document.fonts.check('16px Sarabun', 'อำเภอ')")
    screenshot(page, "letters-new-reminder")
    page.click("[data-testid=generate]")
    page.wait_for_url("**/letters/*/")
    letter = Letter.objects.get()
    assert page.locator("[data-testid=letter-number]").inner_text() == f"ที่ {letter.number_text}"
    assert [r["code"] for r in letter.recipients] == ["5201", "5202"]
    screenshot(page, "letters-detail")

    with page.expect_download() as pdf_download:
        page.click("[data-testid=download-pdf]")
    with open(pdf_download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    with page.expect_download() as docx_download:
        page.click("[data-testid=download-docx]")
    with zipfile.ZipFile(io.BytesIO(open(docx_download.value.path(), "rb").read())) as docx:
        assert "นายอำเภอแม่เมาะ" in docx.read("word/document.xml").decode()
