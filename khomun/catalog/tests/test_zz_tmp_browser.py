import pytest
from conftest import logged_in, screenshot


@pytest.mark.browser
def test_look(browser_page, make_user):
    from khomun.accounts.choices import Role
    from khomun.catalog.services import load_catalog
    load_catalog(2562)
    load_catalog(2561)
    admin = make_user("dept.admin", Role.DEPARTMENT_ADMIN, "TH")
    client = logged_in(admin)
    page = browser_page
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/catalog/2562/savings_groups/")
    screenshot(page, "editor")
    page.fill("#id_fields-4-label_th", "สมาชิกเพศหญิง")
    page.select_option("#id_periods-rule", "monthly")
    page.fill("#id_periods-day", "10")
    page.wait_for_timeout(2500)
    html = page.inner_html("#preview")
    assert "สมาชิกเพศหญิง" in html
    assert "งวดที่ 12" in html
    screenshot(page, "editor_preview")
    page.goto(page.base_url + "/catalog/")
    screenshot(page, "catalog_index")
    lampang = make_user("lampang.admin", Role.PROVINCE_ADMIN, "52")
    c2 = logged_in(lampang)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": c2.cookies["sessionid"].value, "url": page.base_url}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/schedule/deadlines/52/?year=2561")
    from khomun.schedule.models import Period
    p = Period.objects.get(dataset__fiscal_year=2561, dataset__key="savings_groups", number=4)
    page.fill(f"#id_p{p.pk}-due", "21/9/2561")
    page.click(f"#period-{p.pk} button")
    page.wait_for_timeout(1500)
    screenshot(page, "deadline_error")
    page.fill(f"#id_p{p.pk}-due", "6/9/2561")
    page.click(f"#period-{p.pk} button")
    page.wait_for_timeout(1500)
    assert "บันทึกแล้ว" in page.inner_html(f"#period-{p.pk}")
    screenshot(page, "deadlines")
