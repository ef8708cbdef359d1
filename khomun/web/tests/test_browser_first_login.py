"""In a real headless Chromium: log in, be forced to change the password, land home."""

import pytest

from conftest import PASSWORD, screenshot
from khomun.accounts.services import create_account


@pytest.mark.browser
def test_a_new_official_logs_in_changes_the_password_and_lands_home(browser_page):
    create_account(
        None,
        username="new.recorder",
        role="district_recorder",
        orgunit_code="5201",
        first_name="มาลี",
        last_name="ศรีสุข",
        password=PASSWORD,
    )
    page = browser_page
    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "new.recorder")
    page.fill("#id_password", PASSWORD)
    screenshot(page, "login")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/password/")
    assert "ท่านต้องเปลี่ยนรหัสผ่าน" in page.content()
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "Lampang-ใหม่-2569")
    page.fill("#id_new_password2", "Lampang-ใหม่-2569")
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")
    title = page.locator("[data-testid=home-title]").inner_text()
    assert title == "สวัสดี มาลี ศรีสุข"
    assert page.locator("text=อำเภอเมืองลำปาง").count() >= 1
    # The page uses Khomun's own Sarabun font, not a system fallback.
    assert page.evaluate("document.fonts.check('16px Sarabun', 'สวัสดี')")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Sarabun" in font
    # Usable at phone width (390 px): nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "home-after-password-change")
