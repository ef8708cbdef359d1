"""The period page and the entry form: scope, Thai messages, draft, submit, lock, conflict."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from khomun.catalog.models import Dataset
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records.choices import RecordState
from khomun.records.models import Change, Record, Subject
from khomun.records.services import create_subject, save_record

BANGKOK = ZoneInfo("Asia/Bangkok")
PERIOD_2 = "/records/2562/savings_groups/2/"
NEW_2 = PERIOD_2 + "new/"


@pytest.fixture
def spring():
    """1 March 2562 BE: savings-group period 2 (due 20 March) is open, period 1 is locked."""
    with time_machine.travel(dt.datetime(2019, 3, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        yield


@pytest.fixture
def village(orgtree):
    return get_or_create_village("520101", 1, "บ้านเวียงเหนือ")


@pytest.fixture
def group(catalog_2562, lampang_recorder, village):
    return create_subject(
        lampang_recorder,
        kind="savings_group",
        orgunit=village,
        name="กลุ่มออมทรัพย์บ้านเวียงเหนือ",
        attributes={"group_name": "กลุ่มออมทรัพย์บ้านเวียงเหนือ"},
    )


@pytest.fixture
def period2(catalog_2562):
    return Dataset.objects.get(fiscal_year=2562, key="savings_groups").periods.get(number=2)


def good_values(village, **changes):
    values = {
        "group_name": "กลุ่มออมทรัพย์บ้านเวียงเหนือ",
        "village": village.code,
        "members_male": "40",
        "members_female": "60",
        "members": "100",
        "savings_balance": "150,000.00",
        "loans_outstanding": "120,000.00",
        "founded_date": "15/06/2545",
    }
    values.update(changes)
    return values


def test_it_lists_the_expected_groups_with_their_state(
    spring, group, period2, lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    html = client.get(PERIOD_2).content.decode()
    assert "กลุ่มออมทรัพย์บ้านเวียงเหนือ" in html and "ยังไม่บันทึก" in html
    assert f"new/?subject={group.pk}" in html
    assert "เพิ่มรายการใหม่" in html
    assert "20 มีนาคม 2562" in html  # the due date in Buddhist Era
    save_record(lampang_recorder, period2, good_values(group.orgunit), subject=group)
    html = client.get(PERIOD_2).content.decode()
    assert "ครบถ้วน รอส่ง" in html and "ต้องบันทึก 1 · บันทึกแล้ว 1 · ครบถ้วน 1 · ส่งแล้ว 0" in html


def test_the_period_page_is_404_outside_the_scope(spring, group, chaiyaphum_recorder, client_for):
    client = client_for(chaiyaphum_recorder)
    assert client.get(PERIOD_2 + "?orgunit=5201").status_code == 404
    assert "กลุ่มออมทรัพย์บ้านเวียงเหนือ" not in client.get(PERIOD_2).content.decode()


def test_an_unknown_period_or_dataset_is_404(spring, catalog_2562, lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    assert client.get("/records/2562/savings_groups/9/").status_code == 404
    assert client.get("/records/2562/no_such_dataset/1/").status_code == 404


def test_the_province_sees_its_districts_groups_and_chooses_a_district_to_add(
    spring, group, lampang_admin, client_for
):
    html = client_for(lampang_admin).get(PERIOD_2).content.decode()
    assert "กลุ่มออมทรัพย์บ้านเวียงเหนือ" in html
    assert "เพิ่มรายการใหม่" not in html  # savings groups are recorded by districts
    assert "?orgunit=5201" in html


def test_the_form_renders_the_definition_in_thai(spring, period2, lampang_recorder, client_for):
    html = client_for(lampang_recorder).get(NEW_2 + "?orgunit=5201").content.decode()
    assert "ชื่อกลุ่มออมทรัพย์เพื่อการผลิต" in html and "สมาชิกหญิง" in html
    assert 'data-mask="money"' in html and "บาท" in html and "คน" in html
    assert "ขาดทุนให้ใส่เครื่องหมายลบ" in html  # help text
    assert "วว/ดด/ปปปป พ.ศ." in html
    assert "ระดับ 3 ดี" in html  # a choice as an option
    assert "khomun/entry.js" in html
    assert "บันทึกฉบับร่าง" in html and "ส่งข้อมูล" in html


def test_the_form_is_in_english_for_an_english_user(spring, period2, lampang_recorder, client_for):
    lampang_recorder.language = "en"
    lampang_recorder.save()
    client = client_for(lampang_recorder)
    client.cookies["khomun_language"] = "en"
    html = client.get(NEW_2 + "?orgunit=5201").content.decode()
    assert "Female members" in html and "Level 3 good" in html


def test_a_new_group_is_registered_and_saved_as_a_draft(
    spring, period2, village, lampang_recorder, client_for
):
    response = client_for(lampang_recorder).post(
        NEW_2 + "?orgunit=5201", {**good_values(village), "action": "save"}
    )
    record = Record.objects.get(period=period2)
    assert response.status_code == 302 and response["Location"] == f"/records/r/{record.pk}/edit/"
    assert record.state == RecordState.DRAFT and record.complete
    assert record.subject.name == "กลุ่มออมทรัพย์บ้านเวียงเหนือ"
    assert record.subject.orgunit == village
    assert record.values["savings_balance"] == "150000.00"
    assert record.values["founded_date"] == "2002-06-15"  # typed in Buddhist Era


def test_it_shows_thai_errors_next_to_the_fields_and_keeps_what_was_typed(
    spring, period2, village, lampang_recorder, client_for
):
    values = good_values(village, members="99", savings_balance="หนึ่งแสน")
    response = client_for(lampang_recorder).post(
        NEW_2 + "?orgunit=5201", {**values, "action": "save"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "สมาชิกชายรวมกับสมาชิกหญิงต้องเท่ากับจำนวนสมาชิกทั้งหมด" in html
    assert "“เงินสัจจะสะสมทรัพย์คงเหลือ” ต้องเป็นจำนวนเงินบาท" in html
    assert 'data-testid="error-members"' in html
    assert 'value="99"' in html and 'value="หนึ่งแสน"' in html
    assert not Record.objects.exists() and not Subject.objects.exists()


def test_submit_needs_every_required_field(spring, period2, village, lampang_recorder, client_for):
    values = good_values(village)
    del values["loans_outstanding"]
    response = client_for(lampang_recorder).post(
        NEW_2 + "?orgunit=5201", {**values, "action": "submit"}
    )
    html = response.content.decode()
    assert "กรุณากรอก “เงินให้สมาชิกกู้คงค้าง”" in html
    record = Record.objects.get()
    assert record.state == RecordState.DRAFT  # the draft is kept, nothing typed is lost
    assert f'name="version" value="{record.version}"' in html
    assert f"/records/r/{record.pk}/" in html


def test_a_complete_record_is_submitted(spring, period2, village, lampang_recorder, client_for):
    response = client_for(lampang_recorder).post(
        NEW_2 + "?orgunit=5201", {**good_values(village), "action": "submit"}
    )
    assert response.status_code == 302 and response["Location"].startswith(PERIOD_2)
    record = Record.objects.get()
    assert record.state == RecordState.SUBMITTED and record.submitted_by == lampang_recorder


def test_a_record_of_an_existing_group_starts_from_its_identity(
    spring, group, period2, lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    html = client.get(NEW_2 + f"?subject={group.pk}").content.decode()
    assert 'value="กลุ่มออมทรัพย์บ้านเวียงเหนือ"' in html
    client.post(NEW_2 + f"?subject={group.pk}", {**good_values(group.orgunit), "action": "save"})
    assert Record.objects.get().subject == group
    assert Subject.objects.count() == 1
    # A second "new" for the same group opens the record it has.
    response = client.get(NEW_2 + f"?subject={group.pk}")
    assert response["Location"] == f"/records/r/{Record.objects.get().pk}/edit/"


def test_the_previous_period_is_offered_for_copy_without_saving(
    group, period2, lampang_recorder, client_for
):
    period1 = period2.dataset.periods.get(number=1)
    save_record(
        lampang_recorder,
        period1,
        good_values(group.orgunit, members_male="41", members_female="59"),
        subject=group,
        today=dt.date(2018, 12, 1),
    )
    with time_machine.travel(dt.datetime(2019, 3, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        client = client_for(lampang_recorder)
        html = client.get(NEW_2 + f"?subject={group.pk}").content.decode()
        assert "คัดลอกข้อมูลจากงวดก่อน" in html and 'value="41"' not in html
        html = client.get(NEW_2 + f"?subject={group.pk}&copy=previous").content.decode()
    assert 'value="41"' in html and 'value="150,000.00"' in html
    assert Record.objects.filter(period=period2).count() == 0


def test_a_similar_group_name_asks_for_confirmation(
    spring, group, period2, lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    values = good_values(group.orgunit)
    html = client.post(NEW_2 + "?orgunit=5201", {**values, "action": "save"}).content.decode()
    assert "หากเป็นรายการใหม่จริง โปรดยืนยันการเพิ่ม" in html
    assert 'name="confirm_duplicate"' in html
    assert f"?subject={group.pk}" in html  # the way to the existing group
    assert Subject.objects.count() == 1
    client.post(NEW_2 + "?orgunit=5201", {**values, "action": "save", "confirm_duplicate": "on"})
    assert Subject.objects.count() == 2


def test_an_executive_cannot_open_or_post_the_form(spring, group, period2, executive, client_for):
    client = client_for(executive)
    assert client.get(PERIOD_2 + "?orgunit=5201").status_code == 200
    assert client.get(NEW_2 + "?orgunit=5201").status_code == 403
    response = client.post(NEW_2 + f"?subject={group.pk}", good_values(group.orgunit))
    assert response.status_code == 403
    assert not Record.objects.exists()


def test_the_outsider_cannot_record_for_lampang(
    spring, group, period2, chaiyaphum_recorder, client_for
):
    client = client_for(chaiyaphum_recorder)
    assert client.get(NEW_2 + f"?subject={group.pk}").status_code == 404
    assert client.post(NEW_2 + "?orgunit=5201", good_values(group.orgunit)).status_code == 404
    assert not Record.objects.exists()


def test_a_locked_period_does_not_take_new_records(group, lampang_recorder, client_for):
    with time_machine.travel(dt.datetime(2019, 3, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        response = client_for(lampang_recorder).get(
            "/records/2562/savings_groups/1/new/?orgunit=5201", follow=True
        )
    assert "งวดนี้ปิดรับข้อมูลแล้ว" in response.content.decode()
    assert not Record.objects.exists()


@pytest.fixture
def draft(spring, group, period2, lampang_recorder):
    return save_record(lampang_recorder, period2, good_values(group.orgunit), subject=group)


def test_the_edit_form_carries_the_version_and_saves(draft, lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    html = client.get(f"/records/r/{draft.pk}/edit/").content.decode()
    assert f'name="version" value="{draft.version}"' in html
    assert 'value="15/06/2545"' in html  # the stored ISO date shown in Buddhist Era
    values = good_values(draft.subject.orgunit, members_male="50", members_female="50")
    client.post(
        f"/records/r/{draft.pk}/edit/", {**values, "version": draft.version, "action": "save"}
    )
    draft.refresh_from_db()
    assert draft.values["members_male"] == 50 and draft.version == 2


def test_a_second_save_on_an_old_version_is_refused_and_nothing_is_lost(
    draft, lampang_recorder, make_user, client_for
):
    colleague = make_user("colleague.lampang", "district_recorder", "5201")
    first = client_for(lampang_recorder)
    second = client_for(colleague)
    old_version = draft.version
    first.post(
        f"/records/r/{draft.pk}/edit/",
        {
            **good_values(draft.subject.orgunit, members_male="45", members_female="55"),
            "version": old_version,
            "action": "save",
        },
    )
    typed = good_values(draft.subject.orgunit, members_male="30", members_female="70")
    response = second.post(
        f"/records/r/{draft.pk}/edit/", {**typed, "version": old_version, "action": "save"}
    )
    html = response.content.decode()
    assert "มีผู้อื่นบันทึกรายการนี้ก่อนท่าน" in html
    draft.refresh_from_db()
    assert draft.values["members_male"] == 45  # the first save stands
    assert 'value="30"' in html  # what the second person typed is still in the form
    assert 'data-testid="saved-members_male"' in html and "45 คน" in html  # and the saved value
    assert f'name="version" value="{draft.version}"' in html
    # Having seen both, the second person may save over it on purpose.
    second.post(
        f"/records/r/{draft.pk}/edit/", {**typed, "version": draft.version, "action": "save"}
    )
    draft.refresh_from_db()
    assert draft.values["members_male"] == 30


def test_an_approved_record_is_read_only(draft, lampang_recorder, client_for):
    Record.objects.filter(pk=draft.pk).update(state=RecordState.APPROVED)
    client = client_for(lampang_recorder)
    response = client.get(f"/records/r/{draft.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/records/r/{draft.pk}/"
    response = client.post(
        f"/records/r/{draft.pk}/edit/", {**good_values(draft.subject.orgunit), "action": "save"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_record_in_a_locked_period_is_read_only(lampang_data, lampang_recorder, client_for):
    record_id = lampang_data["lampang_record"]
    with time_machine.travel(dt.datetime(2019, 3, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        client = client_for(lampang_recorder)
        response = client.get(f"/records/r/{record_id}/edit/", follow=True)
        html = response.content.decode()
        assert "แก้ไขไม่ได้แล้ว" in html and "แก้ไขข้อมูล" not in html


def test_an_executive_cannot_edit(draft, executive, client_for):
    client = client_for(executive)
    assert client.get(f"/records/r/{draft.pk}/edit/").status_code == 403
    assert client.post(f"/records/r/{draft.pk}/edit/", {"members": "1"}).status_code == 403
    assert Change.objects.filter(entity="record", entity_id=draft.pk).count() == 1


def test_a_dataset_without_subjects_has_one_record_per_unit(catalog_2562, make_user, client_for):
    recorder = make_user("lampang.recorder", "province_recorder", "52")
    url = "/records/2562/volunteer_anniversary/1/"
    with time_machine.travel(dt.datetime(2019, 2, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        client = client_for(recorder)
        html = client.get(url).content.decode()
        assert "ข้อมูลของจังหวัดลำปาง" in html and "ยังไม่บันทึก" in html
        values = {
            "activity_date": "10/01/2562",
            "venue": "ศาลากลางจังหวัดลำปาง",
            "activity_count": "3",
            "action": "save",
        }
        response = client.post(url + "new/?orgunit=52", values)
        record = Record.objects.get()
        assert response.status_code == 302
        assert record.orgunit == OrgUnit.objects.get(code="52") and record.subject is None
        assert client.get(url + "new/?orgunit=52")["Location"] == f"/records/r/{record.pk}/edit/"
        assert "ดูข้อมูล" in client.get(url).content.decode()


def test_a_district_cannot_record_a_province_only_dataset(
    catalog_2562, lampang_recorder, client_for
):
    url = "/records/2562/volunteer_anniversary/1/new/?orgunit=5201"
    with time_machine.travel(dt.datetime(2019, 2, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        response = client_for(lampang_recorder).post(url, {"venue": "x"}, follow=True)
    assert "ไม่ได้เป็นผู้บันทึกฐานข้อมูลนี้" in response.content.decode()
    assert not Record.objects.exists()


def test_a_hard_duplicate_links_to_the_existing_subject_without_a_confirmation(
    spring, group, period2, village, lampang_recorder, client_for, monkeypatch
):
    from khomun.records import services

    def same_id(*args, **kwargs):
        raise services.DuplicateSubject(
            "เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้ว", group, hard=True, field="national_id"
        )

    monkeypatch.setattr(services, "save_record", same_id)
    response = client_for(lampang_recorder).post(
        NEW_2 + "?orgunit=5201", {**good_values(village), "action": "save"}
    )
    html = response.content.decode()
    assert "เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้ว" in html
    assert f"?subject={group.pk}" in html and f"/subjects/{group.pk}/" in html
    assert 'name="confirm_duplicate"' not in html


def test_a_hard_duplicate_outside_the_scope_is_not_linked(
    spring, period2, village, lampang_recorder, chaiyaphum_recorder, client_for, monkeypatch
):
    from khomun.records import services

    elsewhere = create_subject(
        chaiyaphum_recorder,
        kind="savings_group",
        orgunit=get_or_create_village("360101", 1, "ในเมือง"),
        name="กลุ่มของชัยภูมิ",
    )

    def same_id(*args, **kwargs):
        raise services.DuplicateSubject(
            "เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้วในระบบ", elsewhere, hard=True, field="x"
        )

    monkeypatch.setattr(services, "save_record", same_id)
    html = (
        client_for(lampang_recorder)
        .post(NEW_2 + "?orgunit=5201", {**good_values(village), "action": "save"})
        .content.decode()
    )
    assert "ลงทะเบียนไว้แล้วในระบบ" in html
    assert f"?subject={elsewhere.pk}" not in html and "กลุ่มของชัยภูมิ" not in html


def test_fields_for_one_unit_are_marked_and_dropped_for_another(
    catalog_2562, village, lampang_recorder, client_for
):
    url = "/records/2562/leaders_orgs_networks/1/new/?orgunit=5201"
    with time_machine.travel(dt.datetime(2019, 8, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        client = client_for(lampang_recorder)
        html = client.get(url).content.decode()
        assert 'data-only-for="person"' in html and "data-unit-field" in html
        assert 'data-mask="national_id"' in html and 'type="checkbox"' in html
        client.post(
            url,
            {
                "record_type": "group",
                "first_name": "สมชาย",
                "org_name": "กลุ่มแม่บ้านเวียงเหนือ",
                "village": village.code,
                "action": "save",
            },
        )
    record = Record.objects.get()
    assert "first_name" not in record.values
    assert record.values["record_type"] == "group"
    assert record.subject.name == "กลุ่มแม่บ้านเวียงเหนือ"  # not "สมชาย กลุ่มแม่บ้าน..."


def test_the_recorder_sees_why_a_record_was_returned(
    spring, group, period2, lampang_recorder, lampang_admin, client_for
):
    from khomun.monitoring.approval import return_record
    from khomun.records.services import submit_record

    record = save_record(lampang_recorder, period2, good_values(group.orgunit), subject=group)
    record = submit_record(lampang_recorder, record)
    return_record(lampang_admin, record, "ยอดเงินกู้สูงผิดปกติ โปรดตรวจสอบ")
    html = client_for(lampang_recorder).get(PERIOD_2).content.decode()
    assert "ส่งกลับให้แก้ไข" in html
    assert "ยอดเงินกู้สูงผิดปกติ โปรดตรวจสอบ" in html


def test_the_period_page_links_to_excel(spring, group, period2, lampang_recorder, client_for):
    html = client_for(lampang_recorder).get(PERIOD_2).content.decode()
    assert "/excel/2562/savings_groups/2/?orgunit=5201" in html
