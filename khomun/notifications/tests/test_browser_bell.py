"""The bell in a phone's header, the inbox, and opening a notification."""

import pytest

from conftest import PASSWORD, screenshot
from khomun.notifications.services import notify


@pytest.mark.browser
def test_a_recorder_follows_the_bell_to_a_notification(browser_page, lampang_recorder):
    for key, subject in (("a", "เตือน: ออมทรัพย์ งวดที่ ๒"), ("b", "สรุปประจำวันของจังหวัด")):
        notify(lampang_recorder, kind="reminder", subject=subject, body="ยังไม่ครบ", key=key, url="/")
    page = browser_page
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", lampang_recorder.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")

    assert page.locator(".bell-count").inner_text() == "2"
    page.click(".bell")
    page.wait_for_url("**/notifications/")
    assert page.evaluate("document.fonts.check('16px Sarabun', 'เตือน')")
    screenshot(page, "notifications-inbox")

    page.click("text=เตือน: ออมทรัพย์ งวดที่ ๒")
    page.wait_for_url(page.base_url + "/")
    assert page.locator(".bell-count").inner_text() == "1"
