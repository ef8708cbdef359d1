def test_a_district_recorder_sees_its_district_and_subdistricts(lampang_recorder, client_for):
    html = client_for(lampang_recorder).get("/").content.decode()
    assert "ผู้บันทึกข้อมูลระดับอำเภอ" in html and "อำเภอเมืองลำปาง" in html
    assert "/orgunits/520101/" in html
    assert "จัดการบัญชีผู้ใช้" not in html


def test_a_province_admin_sees_its_districts_and_account_tools(lampang_admin, client_for):
    html = client_for(lampang_admin).get("/").content.decode()
    assert "ผู้ดูแลระบบระดับจังหวัด" in html and "/orgunits/5213/" in html
    assert "จัดการบัญชีผู้ใช้" in html and "บันทึกการใช้งาน" in html


def test_the_department_starts_at_the_country(dept_admin, client_for):
    html = client_for(dept_admin).get("/").content.decode()
    assert "/orgunits/52/" in html and "/orgunits/36/" in html


def test_an_executive_has_no_account_tools(executive, client_for):
    html = client_for(executive).get("/").content.decode()
    assert "ผู้บริหาร" in html and "จัดการบัญชีผู้ใช้" not in html


def test_the_page_loads_the_sarabun_font_and_fits_a_phone(lampang_recorder, client_for):
    html = client_for(lampang_recorder).get("/").content.decode()
    assert "vendor/sarabun/400.css" in html
    assert 'name="viewport"' in html


def test_the_font_files_are_served(lampang_recorder, client_for):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/sarabun/files/sarabun-thai-400-normal.woff2")
    assert finders.find("vendor/htmx/htmx.min.js")


def test_the_department_admin_finds_the_catalog_editor(dept_admin, client_for):
    html = client_for(dept_admin).get("/").content.decode()
    assert "/catalog/" in html and "/schedule/deadlines/" in html and "/monitoring/" in html


def test_a_district_recorder_has_no_catalog_editor_link(lampang_recorder, client_for):
    html = client_for(lampang_recorder).get("/").content.decode()
    assert "/catalog/" not in html and "/monitoring/" in html


def _messaging_links(html):
    import re

    block = re.search(r'data-testid="messaging-links">(.*?)</p>', html, re.S)
    return re.findall(r'href="([^"]+)"', block.group(1)) if block else []


def test_a_province_admin_finds_letters_reminders_and_the_message_log(lampang_admin, client_for):
    client = client_for(lampang_admin)
    links = _messaging_links(client.get("/").content.decode())
    assert "/notifications/log/?orgunit=52" in links and "/notifications/line/?orgunit=52" in links
    assert "/letters/" in links and "/schedule/reminders/" in links
    for link in links:
        assert client.get(link, follow=True).status_code == 200, link


def test_a_recorder_has_no_messaging_links_but_finds_its_calendar(lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    html = client.get("/").content.decode()
    assert _messaging_links(html) == []
    for link in ("/schedule/calendar/", "/notifications/settings/"):
        assert link in html
        assert client.get(link).status_code == 200


def test_the_area_tiles_follow_a_rename_and_the_chosen_language(lampang_recorder, client_for):
    """The tiles of the units below are kept by the worker (per language): a renamed
    subdistrict shows at the next visit, and English readers get the English names."""
    from khomun.orgunits.models import OrgUnit

    client = client_for(lampang_recorder)
    subdistrict = OrgUnit.objects.get(code="520101")
    subdistrict.name_en = "Wiang Nuea"
    subdistrict.save()
    assert subdistrict.name_th in client.get("/").content.decode()
    subdistrict.name_th = "ตำบลชื่อใหม่"
    subdistrict.save()
    assert "ตำบลชื่อใหม่" in client.get("/").content.decode()
    english = client_for(lampang_recorder)  # the same account, in a browser set to English
    session = english.session
    session["khomun_language"] = "en"
    session.save()
    html = english.get("/").content.decode()
    assert "Wiang Nuea" in html and "ตำบลชื่อใหม่" not in html
    assert "ตำบลชื่อใหม่" in client.get("/").content.decode()
