"""In a real headless Chromium: the province admin sees a district red, drills down to
its missing groups, and after the district records them sees it green."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, screenshot
from khomun.monitoring.tests.conftest import make_groups, record_group

MATRIX = "/monitoring/2562/52/?dataset=savings_groups"


def log_in_with_two_factor(page, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/two-factor/**")
    page.fill("#id_token", str(totp(device.bin_key)).zfill(6))
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


@pytest.mark.browser
def test_a_province_admin_follows_a_red_district_until_it_turns_green(
    browser_page, catalog_2562, lampang_admin, lampang_recorder
):
    groups = make_groups(lampang_recorder, "5201", 3)
    page = browser_page
    log_in_with_two_factor(page, lampang_admin)

    page.goto(page.base_url + MATRIX)
    cell = page.locator("[data-testid=cell-5201-savings_groups-1]")
    assert cell.get_attribute("data-colour") == "red"
    assert "0%" in cell.inner_text()
    assert page.evaluate("document.fonts.check('16px Sarabun', 'อำเภอ')")
    screenshot(page, "monitoring-matrix-red")

    cell.locator("a").click()
    page.wait_for_url("**/monitoring/2562/5201/savings_groups/1/")
    gaps = page.locator("[data-testid=gap]")
    assert gaps.count() == 3
    assert "กลุ่มออมทรัพย์ 5201-1" in page.locator("[data-testid=gaps]").inner_text()
    assert page.locator("[data-testid=period-rate]").get_attribute("data-colour") == "red"
    screenshot(page, "monitoring-district-missing")

    for group in groups:  # the district records them
        record_group(lampang_recorder, group)

    page.goto(page.base_url + MATRIX)
    cell = page.locator("[data-testid=cell-5201-savings_groups-1]")
    assert cell.get_attribute("data-colour") == "green"
    assert "100%" in cell.inner_text()
    screenshot(page, "monitoring-matrix-green")
    page.locator("[data-testid=row-5201] th a").click()
    page.wait_for_url("**/monitoring/2562/5201/**")
    assert (
        page.locator("[data-testid=cell-5201-savings_groups-1]").get_attribute("data-colour")
        == "green"
    )
