"""Imports as a service: every row checked with the form's rules, all or nothing."""

import time

import pytest
import time_machine

from khomun.excel import imports
from khomun.excel.models import ImportJob, ImportState
from khomun.excel.tests.helpers import (
    SAVINGS_HEADERS,
    SPRING,
    csv_bytes,
    group_row,
    period_of,
    savings_file,
    xlsx_bytes,
)
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records.choices import ChangeAction, Entity, RecordState
from khomun.records.models import Change, Record, Subject
from khomun.records.services import create_subject


@pytest.fixture
def spring():
    with time_machine.travel(SPRING, tick=False):
        yield


@pytest.fixture
def district(orgtree):
    return OrgUnit.objects.get(code="5201")


@pytest.fixture
def period2(catalog_2562):
    return period_of("savings_groups", 2)


def run(user, period, unit, content, name="groups.xlsx"):
    return imports.start_import(user, period, unit, name, content)


def test_it_stores_every_row_of_a_good_file(spring, lampang_recorder, period2, district):
    job = run(lampang_recorder, period2, district, savings_file(3))

    assert job.state == ImportState.DONE, job.message
    assert (job.rows_total, job.rows_checked, job.rows_stored, job.rows_created) == (3, 3, 3, 3)
    records = Record.objects.filter(period=period2).order_by("subject__name")
    assert records.count() == 3
    values = records[0].values
    assert values["savings_balance"] == "150000.50"
    assert values["loans_outstanding"] == "100000.00"
    assert values["founded_date"] == "2002-06-15"
    assert values["health_level"] == "3"
    assert records[0].subject.orgunit.code == "52010101"
    assert records[0].state == RecordState.DRAFT and records[0].complete
    assert job.content is None  # dropped once stored


def test_it_keeps_history_for_every_stored_row(spring, lampang_recorder, period2, district):
    run(lampang_recorder, period2, district, savings_file(2))

    created = Change.objects.filter(entity=Entity.RECORD, action=ChangeAction.CREATE)
    assert created.count() == 2
    assert set(created.values_list("actor", flat=True)) == {lampang_recorder.pk}


def test_a_bad_row_stores_nothing_and_reports_row_column_value_and_thai_message(
    spring, lampang_recorder, period2, district
):
    rows = [SAVINGS_HEADERS, group_row(1), group_row(2, members=26), group_row(3, male="สิบ")]
    job = run(lampang_recorder, period2, district, xlsx_bytes(rows))

    assert job.state == ImportState.FAILED
    assert not Record.objects.exists() and not Subject.objects.exists()
    assert job.error_count == 2
    first, second = job.errors
    assert first["row"] == 3 and first["column"] == "จำนวนสมาชิกทั้งหมด"
    assert first["value"] == "26"
    assert first["message"] == "สมาชิกชายรวมกับสมาชิกหญิงต้องเท่ากับจำนวนสมาชิกทั้งหมด"
    assert second["row"] == 4 and second["column"] == "สมาชิกชาย" and second["value"] == "สิบ"
    assert second["message"] == "“สมาชิกชาย” ต้องเป็นจำนวนเต็ม"
    assert "ยังไม่ได้บันทึกข้อมูลใดเลย" in job.message


def test_a_bad_value_in_row_9999_of_10000_stores_nothing(
    spring, lampang_recorder, period2, district
):
    rows = [SAVINGS_HEADERS] + [group_row(i) for i in range(1, 10_001)]
    rows[9_999] = group_row(9_999, balance="12,34.5")  # the 9,999th data row
    content = xlsx_bytes(rows, constant_memory=True)
    started = time.monotonic()

    job = run(lampang_recorder, period2, district, content)

    assert time.monotonic() - started < 20
    assert job.state == ImportState.FAILED
    assert job.rows_total == 10_000 and job.rows_checked == 10_000
    assert [(e["row"], e["column"]) for e in job.errors] == [(10_000, "เงินสัจจะสะสมทรัพย์คงเหลือ")]
    assert not Record.objects.exists() and not Subject.objects.exists()


def test_a_crash_in_the_middle_of_storing_stores_nothing(
    spring, lampang_recorder, period2, district, monkeypatch
):
    calls = []
    real_save = imports.save_record

    def save_then_crash(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("the server went away")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(imports, "save_record", save_then_crash)
    job = run(lampang_recorder, period2, district, savings_file(6))

    assert len(calls) == 4  # three rows were stored before the crash
    assert job.state == ImportState.FAILED
    assert "ไม่มีข้อมูลใดถูกบันทึก" in job.message
    assert not Record.objects.exists() and not Subject.objects.exists()
    assert not Change.objects.exists()


def test_a_job_run_again_after_a_restart_stores_everything_once(
    spring, lampang_recorder, period2, district, monkeypatch
):
    monkeypatch.setattr("khomun.excel.tasks.run_import.delay", lambda job_id: None)
    job = run(lampang_recorder, period2, district, savings_file(3))
    assert job.state == ImportState.QUEUED
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.STORING)  # killed mid-way

    imports.run_job(job.pk)
    imports.run_job(job.pk)  # a redelivered task finds it done

    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert Record.objects.count() == 3 and Subject.objects.count() == 3


def test_uploading_the_same_file_again_duplicates_nothing(
    spring, lampang_recorder, period2, district
):
    content = savings_file(3)
    run(lampang_recorder, period2, district, content)
    changes = Change.objects.count()

    again = run(lampang_recorder, period2, district, content)

    assert again.state == ImportState.DONE
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    assert Record.objects.count() == 3 and Subject.objects.count() == 3
    assert Change.objects.count() == changes


def test_a_changed_row_updates_the_existing_record(spring, lampang_recorder, period2, district):
    run(lampang_recorder, period2, district, savings_file(2))
    rows = [SAVINGS_HEADERS, group_row(1), group_row(2, male=11, members=26)]

    job = run(lampang_recorder, period2, district, xlsx_bytes(rows))

    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (0, 1, 1)
    record = Record.objects.get(subject__name="กลุ่มออมทรัพย์ทดสอบ 2")
    assert record.values["members"] == 26 and record.version == 2


def test_rows_match_subjects_registered_by_hand(spring, lampang_recorder, period2, district):
    village = get_or_create_village("520101", 1)
    subject = create_subject(
        lampang_recorder, kind="savings_group", orgunit=village, name="กลุ่มออมทรัพย์ทดสอบ  1"
    )

    job = run(lampang_recorder, period2, district, savings_file(1))

    assert job.state == ImportState.DONE and job.rows_created == 1
    assert Subject.objects.count() == 1
    assert Record.objects.get().subject == subject


def test_the_same_group_twice_in_one_file_is_an_error(spring, lampang_recorder, period2, district):
    rows = [SAVINGS_HEADERS, group_row(1), group_row(1)]
    job = run(lampang_recorder, period2, district, xlsx_bytes(rows))

    assert job.state == ImportState.FAILED
    assert job.errors[0]["row"] == 3 and "ซ้ำกับแถวที่ 2" in job.errors[0]["message"]


def test_an_approved_record_is_not_changed_by_an_import(
    spring, lampang_recorder, period2, district
):
    run(lampang_recorder, period2, district, savings_file(1))
    Record.objects.update(state=RecordState.APPROVED)

    job = run(lampang_recorder, period2, district, savings_file(1, male=11, members=26))

    assert job.state == ImportState.FAILED
    assert job.errors[0]["message"] == "ข้อมูลนี้ได้รับอนุมัติแล้ว แก้ไขไม่ได้"


def test_a_village_outside_the_district_is_refused(spring, lampang_recorder, period2, district):
    job = run(lampang_recorder, period2, district, savings_file(1, village="36010101"))

    assert job.state == ImportState.FAILED
    assert job.errors[0]["column"] == "หมู่บ้านที่ตั้งกลุ่ม"
    assert "ไม่พบพื้นที่รหัส 36010101" in job.errors[0]["message"]


def test_a_locked_period_is_refused_before_anything_is_read(
    spring, lampang_recorder, catalog_2562, district
):
    period1 = period_of("savings_groups", 1)  # locked since January 2562
    with pytest.raises(imports.ImportRefused, match="ปิดรับข้อมูลแล้ว"):
        run(lampang_recorder, period1, district, savings_file(1))
    assert not ImportJob.objects.exists()


def test_a_csv_in_windows_874_with_thai_digits_is_stored(
    spring, lampang_recorder, period2, district
):
    rows = [SAVINGS_HEADERS, group_row(1, male="๑๐", female="๑๕", members="๒๕", loans="๑,๐๐๐.๒๕")]
    job = run(lampang_recorder, period2, district, csv_bytes(rows, "cp874"), "groups.csv")

    assert job.state == ImportState.DONE, job.errors
    values = Record.objects.get().values
    assert values["members"] == 25 and values["loans_outstanding"] == "1000.25"


def test_a_record_submitted_by_hand_keeps_its_state_when_updated(
    spring, lampang_recorder, period2, district
):
    run(lampang_recorder, period2, district, savings_file(1))
    record = Record.objects.get()
    record.state = RecordState.SUBMITTED
    record.save()

    job = run(lampang_recorder, period2, district, savings_file(1, male=11, members=26))

    assert job.state == ImportState.DONE
    record.refresh_from_db()
    assert record.state == RecordState.SUBMITTED and record.values["members"] == 26


def test_a_subject_id_from_another_district_is_not_found(
    spring, lampang_recorder, chaiyaphum_recorder, period2, district
):
    elsewhere = create_subject(
        chaiyaphum_recorder,
        kind="savings_group",
        orgunit=OrgUnit.objects.get(code="3601"),
        name="กลุ่มของชัยภูมิ",
    )
    rows = [["รหัสรายการ", *SAVINGS_HEADERS], [elsewhere.pk, *group_row(1)]]

    job = run(lampang_recorder, period2, district, xlsx_bytes(rows))

    assert job.state == ImportState.FAILED
    error = job.errors[0]
    assert (error["row"], error["column"]) == (2, "รหัสรายการ")
    assert error["message"] == f"ไม่พบรายการรหัส {elsewhere.pk} ในพื้นที่นี้"
    assert not Record.objects.exists()


def test_a_dataset_without_subjects_takes_one_row_for_the_unit(lampang_admin, catalog_2562):
    period = period_of("volunteer_anniversary", 1)
    province = OrgUnit.objects.get(code="52")
    headers = ["วันที่จัดกิจกรรมหลัก", "สถานที่จัดกิจกรรม", "จำนวนกิจกรรมที่จัด", "ประเภทกิจกรรม"]
    one = [headers, ["01/02/2562", "ศาลากลางจังหวัดลำปาง", 3, "บำเพ็ญประโยชน์, นิทรรศการผลงาน"]]
    with time_machine.travel(period.start, tick=False):
        job = run(lampang_admin, period, province, xlsx_bytes(one))
        assert job.state == ImportState.DONE, job.errors
        record = Record.objects.get(period=period)
        assert record.orgunit == province and record.subject is None
        assert record.values["activity_types"] == ["public_service", "exhibition"]

        two = run(lampang_admin, period, province, xlsx_bytes([*one, one[1]]))
        assert two.state == ImportState.FAILED
        assert "หน่วยงานละหนึ่งแถว" in two.errors[0]["message"]
