"""The bulk store of new rows writes what `save_record` writes, row for row
(on PostgreSQL with COPY, elsewhere with bulk_create: these tests run on both)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from stdnum.th import pin

from khomun.excel import imports
from khomun.excel.models import ImportState
from khomun.excel.tests.helpers import (
    SAVINGS_HEADERS,
    SPRING,
    group_row,
    load_all_types,
    period_of,
    xlsx_bytes,
)
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records import bulk
from khomun.records.models import Change, Record, Subject
from khomun.records.services import create_subject, tokens


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


def run(user, period, unit, content, monkeypatch, *, in_bulk):
    monkeypatch.setattr(imports, "BULK_MIN_ROWS", 1 if in_bulk else 10**9)
    return imports.start_import(user, period, unit, "file.xlsx", content)


def written():
    """Everything an import wrote, without ids and clocks."""
    subjects = {
        s.pk: (
            s.kind,
            s.name,
            s.orgunit.code,
            s.orgunit_path,
            s.national_id,
            s.attributes,
            s.active_from,
            s.search_text,
            s.created_by_id,
        )
        for s in Subject.objects.select_related("orgunit")
    }
    records = {
        r.pk: (
            r.dataset_version_id,
            r.period_id,
            r.orgunit.code,
            r.orgunit_path,
            subjects[r.subject_id][1],
            r.values,
            r.state,
            r.complete,
            r.version,
            r.created_by_id,
            r.updated_by_id,
            r.submitted_at,
        )
        for r in Record.objects.select_related("orgunit")
    }
    changes = sorted(
        (
            c.entity,
            c.action,
            c.actor_id,
            c.orgunit_path,
            c.before,
            str(c.after),
            (subjects.get(c.entity_id) if c.entity == "subject" else records.get(c.entity_id))
            is not None,
        )
        for c in Change.objects.all()
    )
    return sorted(subjects.values()), sorted(records.values(), key=str), changes


def wipe():
    Change.objects.all().delete()
    Record.objects.all().delete()
    Subject.objects.all().delete()


def test_bulk_and_per_row_store_write_the_same_subjects_records_and_history(
    spring, lampang_recorder, period2, district, monkeypatch
):
    rows = [SAVINGS_HEADERS, group_row(1), group_row(2, village="52010102")]
    rows += [group_row(3, name="กลุ่ม ออมทรัพย์  บ้านใหม่"), group_row(4, village="52010201")]
    content = xlsx_bytes(rows)

    job = run(lampang_recorder, period2, district, content, monkeypatch, in_bulk=True)
    assert job.state == ImportState.DONE, job.message
    by_bulk = written()
    wipe()
    job = run(lampang_recorder, period2, district, content, monkeypatch, in_bulk=False)
    assert job.state == ImportState.DONE, job.message

    assert by_bulk == written()
    assert len(by_bulk[1]) == 4 and len(by_bulk[2]) == 8
    assert all(change[-1] for change in by_bulk[2])  # every change names a stored row


def test_a_record_for_a_subject_registered_by_hand_is_the_same_in_bulk(
    spring, lampang_recorder, period2, district, monkeypatch
):
    village = get_or_create_village("520101", 1)
    content = xlsx_bytes([SAVINGS_HEADERS, group_row(1), group_row(2)])
    results = []
    for in_bulk in (True, False):
        create_subject(
            lampang_recorder, kind="savings_group", orgunit=village, name="กลุ่มออมทรัพย์ทดสอบ 1"
        )
        job = run(lampang_recorder, period2, district, content, monkeypatch, in_bulk=in_bulk)
        assert job.state == ImportState.DONE and job.rows_created == 2, job.message
        results.append(written())
        wipe()

    assert results[0] == results[1]
    assert len(results[0][0]) == 2 and len(results[0][1]) == 2


def national_id(number: int) -> str:
    digits = f"1{number:011d}"
    return digits + pin.calc_check_digit(digits)


def test_the_same_name_twice_in_a_file_is_refused_with_the_per_row_message(
    spring, lampang_recorder, district, monkeypatch
):
    period = load_all_types()
    headers = ["ชื่อ-สกุล", "เลขประจำตัวประชาชน", "หมู่บ้าน", "รายได้ต่อปี"]
    rows = [headers]
    rows += [["นายสมชาย ใจดี", national_id(1), "52010101", 1000]]
    rows += [["นายสมชาย  ใจดี", national_id(2), "52010101", 2000]]
    content = xlsx_bytes(rows)

    jobs = [
        run(lampang_recorder, period, district, content, monkeypatch, in_bulk=in_bulk)
        for in_bulk in (True, False)
    ]

    assert [job.state for job in jobs] == [ImportState.FAILED, ImportState.FAILED]
    assert jobs[0].message == jobs[1].message and jobs[0].errors == jobs[1].errors
    assert jobs[0].errors[0]["row"] == 3 and "นายสมชาย ใจดี" in jobs[0].errors[0]["message"]
    assert not Record.objects.exists() and not Subject.objects.exists()


def test_a_crash_between_batches_stores_nothing(
    spring, lampang_recorder, period2, district, monkeypatch
):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    calls = []
    real_write = bulk._write

    def write_then_crash(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the server went away")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write", write_then_crash)
    content = xlsx_bytes([SAVINGS_HEADERS] + [group_row(i) for i in range(1, 6)])
    job = run(lampang_recorder, period2, district, content, monkeypatch, in_bulk=True)

    assert len(calls) == 2  # the first batch was written before the crash
    assert job.state == ImportState.FAILED and "ไม่มีข้อมูลใดถูกบันทึก" in job.message
    assert not Record.objects.exists() and not Subject.objects.exists()
    assert not Change.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "กลุ่มออมทรัพย์เพื่อการผลิตบ้านหนองหอย",
        "กลุ่ม ผู้ผลิต ผ้าฝ้ายทอมือ 12",
        "นางสาวสมหญิง  รักถิ่น",
        "OTOP ผ้าไหม Lamphun 2562",
        "วิสาหกิจชุมชนกลุ่มทอผ้าบ้านดอนหลวง หมู่ 3",
        "",
        "กลุ่มทอผ้า หมู่ 3 บ้านดอน 12",
        "กลุ่มผู้ผลิตทดสอบที่ 100000 2562",
        "007 หมู่๑๒ 1.5 x2 12a",
    ],
)
def test_the_cached_search_text_is_the_search_text_of_tokens(name):
    search_text = bulk.SearchText()
    search_text("กลุ่มทอผ้า ผ้าฝ้าย")  # the cache already holds some words

    assert search_text(name) == tokens(name)


ALL_TYPES_HEADERS = [
    "ชื่อ-สกุล",
    "เลขประจำตัวประชาชน",
    "หมู่บ้าน",
    "วันเกิด",
    "จำนวนบุตร",
    "รายได้ต่อปี",
    "คะแนน",
    "ระดับ",
    "ทักษะ",
    "เป็นอาสาสมัคร",
    "โทรศัพท์",
]


def test_every_field_type_and_awkward_text_are_written_the_same_in_bulk(
    spring, lampang_recorder, district, monkeypatch
):
    """Quotes, backslashes, tabs, emoji and Thai digits survive COPY's text format and
    JSON as they survive the per-row path; numbers, lists and booleans keep their types."""
    period = load_all_types()
    rows = [ALL_TYPES_HEADERS]
    rows += [
        ['นายสมชาย "เก่ง" ใจดี', national_id(1), "52010101", "15/06/2530", 2, "12,500.50"]
        + [75.5, "ดีมาก", "ทอผ้า, งานไม้", "ใช่", "081-234-5678"],
        ["นาง\\สมหญิง\tรักถิ่น", national_id(2), "52010102", dt.date(1990, 5, 1), 0, 0]
        + [None, "b", "cook", "ไม่ใช่", 812345678],
        ["😀 นางสาว ๑๒๓ ทดสอบ", None, "52010101", None, None, "๑,๐๐๐"]
        + [None, None, None, None, None],
        ["Mr. O'Brien \\N", national_id(3), "520101", None, 20, 1]
        + [100, "Good", "Weaving, Woodwork, ทำอาหาร", "yes", "+66 81 234 5678"],
    ]
    content = xlsx_bytes(rows)

    job = run(lampang_recorder, period, district, content, monkeypatch, in_bulk=True)
    assert job.state == ImportState.DONE and job.rows_created == 4, job.message
    by_bulk = written()
    wipe()
    job = run(lampang_recorder, period, district, content, monkeypatch, in_bulk=False)
    assert job.state == ImportState.DONE and job.rows_created == 4, job.message

    assert by_bulk == written()
    values = {r[4]: r[5] for r in by_bulk[1]}
    assert values["นาง\\สมหญิง รักถิ่น"]["skills"] == ["cook"]
    assert values["นาง\\สมหญิง รักถิ่น"]["volunteer"] is False
    assert values["Mr. O'Brien \\N"]["children"] == 20
    assert values['นายสมชาย "เก่ง" ใจดี']["income"] == "12500.50"


def test_the_bulk_store_writes_with_copy_on_postgresql_only(
    spring, lampang_recorder, period2, district, monkeypatch
):
    copied = []
    real_copy = bulk._copy

    def spy(model, rows, json_texts):
        copied.append((model.__name__, len(rows)))
        return real_copy(model, rows, json_texts)

    monkeypatch.setattr(bulk, "_copy", spy)
    content = xlsx_bytes([SAVINGS_HEADERS] + [group_row(i) for i in range(1, 4)])
    job = run(lampang_recorder, period2, district, content, monkeypatch, in_bulk=True)

    assert job.state == ImportState.DONE, job.message
    if connection.vendor == "postgresql":
        assert copied == [("Subject", 3), ("Record", 3), ("Change", 6)]
    else:
        assert copied == []


def test_bulk_rows_get_their_own_ids_in_file_order_and_the_time_of_the_import(
    spring, lampang_recorder, period2, district, monkeypatch
):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    content = xlsx_bytes([SAVINGS_HEADERS] + [group_row(i) for i in range(1, 6)])
    job = run(lampang_recorder, period2, district, content, monkeypatch, in_bulk=True)
    assert job.state == ImportState.DONE, job.message

    subjects = list(Subject.objects.order_by("pk"))
    records = list(Record.objects.order_by("pk").select_related("subject"))
    assert [s.name for s in subjects] == [f"กลุ่มออมทรัพย์ทดสอบ {i}" for i in range(1, 6)]
    assert [r.subject for r in records] == subjects
    clocks = [s.created_at for s in subjects] + [s.updated_at for s in subjects]
    clocks += [r.created_at for r in records] + [r.updated_at for r in records]
    clocks += [c.at for c in Change.objects.all()]
    assert clocks and all(clock == SPRING for clock in clocks)  # aware, the same instant
    history = list(Change.objects.order_by("pk").values_list("entity", "entity_id"))
    batches = [subjects[0:2], subjects[2:4], subjects[4:5]]
    by_subject = {r.subject_id: r.pk for r in records}
    assert history == [
        (entity, pk)
        for batch in batches
        for entity, pk in [("subject", s.pk) for s in batch]
        + [("record", by_subject[s.pk]) for s in batch]
    ]
    # The sequences moved past the reserved ids: the next rows saved one by one follow.
    later = create_subject(
        lampang_recorder, kind="savings_group", orgunit=subjects[0].orgunit, name="กลุ่มใหม่"
    )
    assert later.pk > subjects[-1].pk
    assert Change.objects.order_by("pk").last().entity_id == later.pk


def test_a_database_error_while_writing_a_batch_stores_nothing(
    spring, lampang_recorder, district, monkeypatch
):
    """A national ID registered by someone else after the check (a race the unique
    index catches): the batch fails inside the database, the whole file rolls back."""
    period = load_all_types()
    rows = [ALL_TYPES_HEADERS[:3] + ["รายได้ต่อปี"]]
    rows += [[f"นายทดสอบ {i}", national_id(i), "52010101", 1000] for i in range(1, 5)]
    real_write = bulk._write

    def race_then_write(*args, **kwargs):
        Subject.objects.create(
            kind="test_person",
            name="คนอื่น",
            orgunit=district,
            orgunit_path=district.path,
            national_id=national_id(3),
        )
        return real_write(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write", race_then_write)
    job = run(lampang_recorder, period, district, xlsx_bytes(rows), monkeypatch, in_bulk=True)

    assert job.state == ImportState.FAILED and "ไม่มีข้อมูลใดถูกบันทึก" in job.message
    assert not Subject.objects.exists() and not Record.objects.exists()
    assert not Change.objects.exists()


def test_rows_checked_by_the_import_are_not_validated_again(
    spring, lampang_recorder, period2, district, monkeypatch
):
    def validate_again(*args, **kwargs):
        raise AssertionError("validated twice")

    monkeypatch.setattr(bulk, "validate_values", validate_again)
    content = xlsx_bytes([SAVINGS_HEADERS] + [group_row(i) for i in range(1, 4)])
    job = run(lampang_recorder, period2, district, content, monkeypatch, in_bulk=True)

    assert job.state == ImportState.DONE and job.rows_created == 3, job.message
    assert all(r.complete for r in Record.objects.all())


def test_a_bulk_import_keeps_the_stored_completeness_figures_current(
    spring, lampang_recorder, period2, district, monkeypatch
):
    from khomun.monitoring.tests.test_summary import assert_same_as_live

    periods = [period_of("savings_groups", 1), period2]
    before = assert_same_as_live(periods)  # stored for the country before the import
    assert "TH/52/5201/" not in before[period2.pk]
    rows = [SAVINGS_HEADERS, group_row(1), group_row(2, village="52010102")]
    job = run(lampang_recorder, period2, district, xlsx_bytes(rows), monkeypatch, in_bulk=True)
    assert job.state == ImportState.DONE, job.message
    after = assert_same_as_live(periods)
    figures = after[period2.pk]["TH/52/5201/"]
    assert (figures.expected, figures.recorded) == (2, 2)
    assert after[periods[0].pk]["TH/52/5201/"].expected == 2  # new groups count in period 1 too
