"""The subject screens: list and search, a subject's page, register, edit, dissolve,
and the province admin's review and merge."""

import datetime as dt

import pytest
from django.urls import URLPattern

from khomun.accounts.choices import Role
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records import services
from khomun.records.models import Change, Record, Subject
from khomun.records.tests.routes_subjects import WEB_ROUTES

GROUP = "กลุ่มออมทรัพย์บ้านเวียงเหนือ"  # the group of the `lampang_data` fixture
VALID_ID = "1101700230708"


def html(response):
    return response.content.decode()


@pytest.fixture
def subject(lampang_data):
    return Subject.objects.get(pk=lampang_data["lampang_subject"])


@pytest.fixture
def chaiyaphum_admin(make_user):
    return make_user("chaiyaphum.admin", Role.PROVINCE_ADMIN, "36")


# ---------------------------------------------------------------- the list


def test_it_lists_the_subjects_of_the_users_unit(lampang_recorder, client_for, subject):
    response = client_for(lampang_recorder).get("/subjects/")
    assert response.status_code == 200
    page = html(response)
    assert GROUP in page and f"/subjects/{subject.pk}/" in page
    assert "กลุ่มออมทรัพย์เพื่อการผลิต" in page  # the kind's Thai label
    assert "อำเภอเมืองลำปาง" in page


def test_the_search_box_finds_thai_words(lampang_recorder, client_for, subject):
    client = client_for(lampang_recorder)
    assert GROUP in html(client.get("/subjects/", {"q": "ออมทรัพย์"}))
    assert GROUP in html(client.get("/subjects/", {"q": "เวียงเหนือ ออม"}))
    missing = html(client.get("/subjects/", {"q": "ป่าขาม"}))
    assert GROUP not in missing and "ไม่พบรายการ" in missing


def test_it_filters_by_kind_and_sub_unit(lampang_recorder, client_for, subject):
    client = client_for(lampang_recorder)
    assert GROUP in html(client.get("/subjects/", {"kind": "savings_group"}))
    assert GROUP not in html(client.get("/subjects/", {"kind": "otop_producer"}))
    assert GROUP in html(client.get("/subjects/", {"orgunit": "520101"}))
    assert GROUP not in html(client.get("/subjects/", {"orgunit": "520102"}))


def test_it_pages_the_list(lampang_recorder, client_for, orgtree):
    village = get_or_create_village("520101", 1)
    for n in range(55):
        services.create_subject(
            lampang_recorder, kind="savings_group", orgunit=village, name=f"กลุ่มที่ {n:02d}"
        )
    client = client_for(lampang_recorder)
    first, second = html(client.get("/subjects/")), html(client.get("/subjects/?page=2"))
    assert "กลุ่มที่ 00" in first and "กลุ่มที่ 54" not in first and "ถัดไป" in first
    assert "กลุ่มที่ 54" in second and "กลุ่มที่ 00" not in second


def test_the_list_is_a_fixed_number_of_queries(
    lampang_recorder, client_for, orgtree, catalog_2562, django_assert_max_num_queries
):
    village = get_or_create_village("520101", 1)
    for n in range(30):
        services.create_subject(
            lampang_recorder, kind="savings_group", orgunit=village, name=f"กลุ่มที่ {n}"
        )
    client = client_for(lampang_recorder)
    client.get("/subjects/")
    with django_assert_max_num_queries(12):
        assert client.get("/subjects/").status_code == 200


def test_outside_units_are_not_found(lampang_recorder, client_for, subject):
    client = client_for(lampang_recorder)
    assert client.get("/subjects/", {"orgunit": "3601"}).status_code == 404
    assert client.get("/subjects/", {"orgunit": "52"}).status_code == 404  # above the scope


def test_the_executive_reads_but_may_not_add(executive, client_for, subject):
    client = client_for(executive)
    page = html(client.get("/subjects/?orgunit=5201"))
    assert GROUP in page and "/subjects/new/" not in page
    assert client.get("/subjects/new/?orgunit=5201").status_code == 403


# ---------------------------------------------------------------- a subject's page


def test_a_subject_page_shows_details_records_and_history(
    lampang_recorder, client_for, subject, lampang_data
):
    page = html(client_for(lampang_recorder).get(f"/subjects/{subject.pk}/"))
    assert GROUP in page and "หมู่ที่ 1 บ้าน" in page and "52010101" in page
    assert "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต" in page  # the dataset of its record
    assert f"/records/r/{lampang_data['lampang_record']}/" in page
    assert "ฉบับร่าง" in page
    assert 'data-testid="history-row"' in page and "สร้าง" in page
    assert "ประเภท: กลุ่มออมทรัพย์เพื่อการผลิต" in page  # the kind's label, not its key
    assert "บันทึกการยุบเลิก" in page and "แก้ไขรายละเอียด" in page


def test_the_executive_sees_the_page_without_buttons(executive, client_for, subject):
    page = html(client_for(executive).get(f"/subjects/{subject.pk}/"))
    assert GROUP in page and "บันทึกการยุบเลิก" not in page


def test_a_missing_subject_is_not_found(lampang_recorder, client_for, orgtree):
    assert client_for(lampang_recorder).get("/subjects/999999/").status_code == 404


# ---------------------------------------------------------------- registering


def test_it_registers_a_group_in_a_new_village(lampang_recorder, client_for, catalog_2562):
    client = client_for(lampang_recorder)
    assert "รหัสหมู่บ้าน 8 หลัก" in html(client.get("/subjects/new/?orgunit=5201"))
    response = client.post(
        "/subjects/new/",
        {"kind": "savings_group", "name": "กลุ่มออมทรัพย์บ้านทุ่งฝาย", "orgunit": "52010105"},
    )
    subject = Subject.objects.get(name="กลุ่มออมทรัพย์บ้านทุ่งฝาย")
    assert response.status_code == 302 and response["Location"] == f"/subjects/{subject.pk}/"
    assert subject.orgunit.code == "52010105" and subject.created_by == lampang_recorder


def test_a_same_named_group_is_warned_in_thai_and_may_be_confirmed(
    lampang_recorder, client_for, subject
):
    client = client_for(lampang_recorder)
    data = {"kind": "savings_group", "name": GROUP, "orgunit": "52010101"}
    warned = html(client.post("/subjects/new/", data))
    assert "อยู่แล้ว" in warned and "โปรดยืนยัน" in warned
    assert f"/subjects/{subject.pk}/" in warned and 'name="confirm_duplicate"' in warned
    assert Subject.objects.count() == 1
    confirmed = client.post("/subjects/new/", {**data, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302 and Subject.objects.count() == 2


def test_a_registered_person_is_refused_with_a_link(lampang_recorder, client_for, catalog_2562):
    village = get_or_create_village("520101", 1)
    person = services.create_subject(
        lampang_recorder,
        kind="community_actor",
        orgunit=village,
        name="นายสมชาย ใจดี",
        national_id=VALID_ID,
    )
    data = {"kind": "community_actor", "name": "นายสมชาย", "orgunit": "520102"}
    page = html(
        client_for(lampang_recorder).post("/subjects/new/", {**data, "national_id": VALID_ID})
    )
    assert "ลงทะเบียนไว้แล้ว" in page and f"/subjects/{person.pk}/" in page
    assert 'name="confirm_duplicate"' not in page
    assert Subject.objects.count() == 1


def test_another_district_is_told_only_that_the_id_exists(
    lampang_recorder, chaiyaphum_recorder, client_for, catalog_2562
):
    village = get_or_create_village("520101", 1)
    person = services.create_subject(
        lampang_recorder,
        kind="community_actor",
        orgunit=village,
        name="นายสมชาย ใจดี",
        national_id=VALID_ID,
    )
    data = {"kind": "community_actor", "name": "นายสมชาย", "orgunit": "360101"}
    page = html(
        client_for(chaiyaphum_recorder).post("/subjects/new/", {**data, "national_id": VALID_ID})
    )
    assert "เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้วในระบบ" in page
    assert f"/subjects/{person.pk}/" not in page and "ใจดี" not in page
    assert Subject.objects.count() == 1


def test_bad_input_is_shown_in_thai(lampang_recorder, client_for, catalog_2562):
    client = client_for(lampang_recorder)
    data = {"kind": "community_actor", "name": "นายสมชาย", "orgunit": "520101"}
    bad_id = html(client.post("/subjects/new/", {**data, "national_id": "1101700230709"}))
    assert "เลขตรวจสอบ" in bad_id
    outside = html(client.post("/subjects/new/", {**data, "orgunit": "36010101"}))
    assert "ไม่พบพื้นที่รหัส 36010101" in outside
    province = html(client.post("/subjects/new/", {**data, "orgunit": "52"}))
    assert "ตัวเลข 4, 6 หรือ 8 หลัก" in province
    bad_date = html(client.post("/subjects/new/", {**data, "active_from": "31/02/2562"}))
    assert "ต้องเป็นวันที่" in bad_date
    assert not Subject.objects.exists()
    assert not OrgUnit.objects.filter(code="36010101").exists()


def test_a_buddhist_era_date_is_read(lampang_recorder, client_for, catalog_2562):
    data = {"kind": "savings_group", "name": "กลุ่มใหม่", "orgunit": "520101"}
    client_for(lampang_recorder).post("/subjects/new/", {**data, "active_from": "20/03/2562"})
    assert Subject.objects.get().active_from == dt.date(2019, 3, 20)


# ---------------------------------------------------------------- editing and dissolving


def test_it_edits_a_subject_and_keeps_the_history(lampang_recorder, client_for, subject):
    client = client_for(lampang_recorder)
    form = html(client.get(f"/subjects/{subject.pk}/edit/"))
    assert GROUP in form and "52010101" in form
    response = client.post(
        f"/subjects/{subject.pk}/edit/",
        {"name": "กลุ่มออมทรัพย์บ้านเวียงเหนือพัฒนา", "orgunit": "52010101"},
    )
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.name == "กลุ่มออมทรัพย์บ้านเวียงเหนือพัฒนา" and subject.kind == "savings_group"
    page = html(client.get(f"/subjects/{subject.pk}/"))
    assert "แก้ไข" in page and f"<del>{GROUP}</del>" in page


def test_it_dissolves_with_a_date(lampang_recorder, client_for, subject):
    client = client_for(lampang_recorder)
    response = client.post(f"/subjects/{subject.pk}/dissolve/", {"dissolved_on": "31/03/2562"})
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.dissolved_on == dt.date(2019, 3, 31)
    page = html(client.get(f"/subjects/{subject.pk}/"))
    assert "31 มีนาคม 2562" in page and "ยุบเลิก" in page
    assert Change.objects.filter(entity_id=subject.pk, action="dissolve").exists()


def test_a_dissolve_without_a_date_changes_nothing(lampang_recorder, client_for, subject):
    client_for(lampang_recorder).post(f"/subjects/{subject.pk}/dissolve/", {"dissolved_on": ""})
    subject.refresh_from_db()
    assert subject.dissolved_on is None


def test_the_executive_cannot_edit_or_dissolve(executive, client_for, subject):
    client = client_for(executive)
    assert client.get(f"/subjects/{subject.pk}/edit/").status_code == 403
    assert (
        client.post(f"/subjects/{subject.pk}/dissolve/", {"dissolved_on": "1/1/2562"}).status_code
        == 403
    )
    subject.refresh_from_db()
    assert subject.dissolved_on is None


# ---------------------------------------------------------------- review and merge


@pytest.fixture
def twin(lampang_recorder, subject):
    other = get_or_create_village("520102", 3)
    return services.create_subject(
        lampang_recorder, kind="savings_group", orgunit=other, name="กลุ่มออมทรัพย์ บ้านเวียงเหนือ"
    )


def test_the_province_admin_sees_possible_duplicates(lampang_admin, client_for, subject, twin):
    page = html(client_for(lampang_admin).get("/subjects/duplicates/"))
    assert 'data-testid="duplicate-group"' in page
    assert f"/subjects/{subject.pk}/" in page and f"/subjects/{twin.pk}/" in page
    assert f'action="/subjects/{twin.pk}/merge/"' in page


def test_the_department_picks_a_province(dept_admin, client_for, subject, twin):
    client = client_for(dept_admin)
    assert "จังหวัดลำปาง" in html(client.get("/subjects/duplicates/"))
    assert f"/subjects/{twin.pk}/" in html(client.get("/subjects/duplicates/?province=52"))


def test_district_users_cannot_review_or_merge(lampang_recorder, client_for, subject, twin):
    client = client_for(lampang_recorder)
    assert client.get("/subjects/duplicates/").status_code == 403
    response = client.post(f"/subjects/{twin.pk}/merge/", {"into": subject.pk})
    assert response.status_code == 403
    twin.refresh_from_db()
    assert twin.merged_into is None


def test_other_provinces_get_not_found(chaiyaphum_admin, client_for, subject, twin):
    client = client_for(chaiyaphum_admin)
    assert client.get("/subjects/duplicates/?province=52").status_code == 404
    assert client.post(f"/subjects/{twin.pk}/merge/", {"into": subject.pk}).status_code == 404
    assert client.get(f"/subjects/{subject.pk}/").status_code == 404
    twin.refresh_from_db()
    assert twin.merged_into is None


def test_the_province_admin_merges_two_into_one(
    lampang_admin, client_for, subject, twin, lampang_data
):
    client = client_for(lampang_admin)
    response = client.post(f"/subjects/{twin.pk}/merge/", {"into": subject.pk})
    assert response.status_code == 302 and response["Location"] == f"/subjects/{subject.pk}/"
    twin.refresh_from_db()
    assert twin.merged_into == subject
    kept = html(client.get(f"/subjects/{subject.pk}/"))
    assert "รวมรายการซ้ำ" in kept and f"/subjects/{twin.pk}/" in kept
    removed = html(client.get(f"/subjects/{twin.pk}/"))
    assert 'data-testid="merged"' in removed and f"/subjects/{subject.pk}/" in removed
    assert 'data-testid="duplicate-group"' not in html(client.get("/subjects/duplicates/"))
    assert Record.objects.get(pk=lampang_data["lampang_record"]).subject == subject


def test_a_refused_merge_says_why(lampang_admin, client_for, subject, twin, lampang_data):
    record = Record.objects.get(pk=lampang_data["lampang_record"])
    Record.objects.create(
        dataset_version=record.dataset_version,
        period=record.period,
        orgunit=record.orgunit,
        orgunit_path=record.orgunit_path,
        subject=twin,
    )
    client = client_for(lampang_admin)
    response = client.post(f"/subjects/{twin.pk}/merge/", {"into": subject.pk}, follow=True)
    assert "งวดเดียวกัน" in html(response)
    twin.refresh_from_db()
    assert twin.merged_into is None


# ---------------------------------------------------------------- scope of every route


def test_every_subject_route_is_listed_for_the_scope_check():
    from khomun.records import subject_urls

    names = {p.name for p in subject_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(WEB_ROUTES)


@pytest.mark.parametrize("name", sorted(WEB_ROUTES))
def test_the_outsider_cannot_reach_lampang_subjects(
    name, lampang_recorder, chaiyaphum_recorder, client_for, lampang_data
):
    method, path = WEB_ROUTES[name]
    path = path.format(lampang_user=lampang_recorder.pk, **lampang_data)
    before = list(Subject.objects.values())
    response = getattr(client_for(chaiyaphum_recorder), method)(path)
    assert response.status_code in (403, 404)
    assert list(Subject.objects.values()) == before


# ---------------------------------------------------------------- in a real browser


@pytest.mark.browser
def test_a_recorder_finds_a_group_by_a_thai_word_and_is_warned_of_a_twin(
    browser_page, catalog_2562, lampang_recorder
):
    from conftest import PASSWORD, screenshot

    village = get_or_create_village("520101", 4, "ป่าขาม")
    name = "กลุ่มออมทรัพย์เพื่อการผลิตบ้านป่าขาม"
    services.create_subject(lampang_recorder, kind="savings_group", orgunit=village, name=name)
    page = browser_page
    page.goto(page.base_url + "/subjects/")
    page.fill("#id_username", lampang_recorder.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(page.base_url + "/subjects/")
    page.fill("#q", "ออมทรัพย์ ป่าขาม")
    page.click("form[role=search] button[type=submit]")
    row = page.locator("[data-testid=subject-row]")
    assert row.count() == 1 and name in row.inner_text()
    screenshot(page, "subjects-search")
    page.goto(page.base_url + "/subjects/new/?orgunit=52010104")
    page.select_option("#id_kind", "savings_group")
    page.fill("#id_name", "กลุ่มออมทรัพย์เพื่อการผลิต บ้านป่าขาม")
    page.click("button[type=submit]")
    assert "โปรดยืนยันการเพิ่ม" in page.content()
    screenshot(page, "subjects-duplicate-warning")
    page.check("#id_confirm_duplicate")
    page.click("button[type=submit]")
    page.wait_for_url("**/subjects/*/")
    assert Subject.objects.filter(orgunit=village).count() == 2
    screenshot(page, "subjects-detail")
