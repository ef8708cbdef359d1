"""Exports: CSV with BOM and .xlsx, streamed, filtered, masked by role, and logged."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.http import StreamingHttpResponse

from khomun.accounts.choices import Role
from khomun.excel import csv_copy, exports
from khomun.excel.models import ExportLog
from khomun.excel.personal import may_see_personal_data
from khomun.excel.tests.helpers import SPRING, load_all_types
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.models import Record
from khomun.records.services import save_record

EXPORT = "/excel/export/?dataset=all_types&fiscal_year=2562&orgunit={unit}&format={fmt}"


@pytest.fixture
def people(catalog_2562, lampang_recorder):
    """Two persons of Mueang Lampang with ID and phone in FY2562 period 2."""
    with time_machine.travel(SPRING, tick=False):
        period = load_all_types()
        unit = OrgUnit.objects.get(code="5201")
        for name, national_id, state in (
            ("นางสาวสมหญิง รักถิ่น", "1101200012345", RecordState.SUBMITTED),
            ("นายสมชาย ทดสอบ", "", RecordState.DRAFT),
        ):
            record = save_record(
                lampang_recorder,
                period,
                {
                    "full_name": name,
                    "national_id": national_id,
                    "phone": "0812345678",
                    "income": "120000.75",
                    "birth_date": "15/06/2525",
                    "level": "a",
                    "skills": ["weave", "cook"],
                    "volunteer": True,
                },
                orgunit=unit,
            )
            Record.objects.filter(pk=record.pk).update(state=state)
    return period


def csv_rows(response):
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens Thai right
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def export_csv(client, unit="5201", extra=""):
    response = client.get(EXPORT.format(unit=unit, fmt="csv") + extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return csv_rows(response)


def test_a_csv_export_has_thai_headers_labels_and_iso_dates(people, lampang_recorder, client_for):
    rows = export_csv(client_for(lampang_recorder))
    assert len(rows) == 2
    row = next(r for r in rows if r["ชื่อ-สกุล"] == "นางสาวสมหญิง รักถิ่น")
    assert row["ปีงบประมาณ"] == "2562" and row["งวดที่"] == "2"
    assert row["รหัสหน่วยงานที่บันทึก"] == "5201"
    assert row["รายได้ต่อปี"] == "120000.75"
    assert row["วันเกิด"] == "1982-06-15"
    assert row["ระดับ"] == "ดีมาก" and row["ทักษะ"] == "ทอผ้า, ทำอาหาร"
    assert row["เป็นอาสาสมัคร"] == "ใช่"
    assert row["สถานะ"] == "ส่งแล้ว"


def test_an_xlsx_export_has_numbers_and_dates_as_cells(people, lampang_recorder, client_for):
    response = client_for(lampang_recorder).get(EXPORT.format(unit="5201", fmt="xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="all_types_2562_all_5201.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in sheet[1]]
    rows = [
        dict(zip(headers, (c.value for c in row), strict=False))
        for row in sheet.iter_rows(min_row=2)
    ]
    person = next(r for r in rows if r["ชื่อ-สกุล"] == "นางสาวสมหญิง รักถิ่น")
    assert person["รายได้ต่อปี"] == 120000.75
    assert person["วันเกิด"] == dt.datetime(1982, 6, 15)
    assert person["เลขประจำตัวประชาชน"] == "1101200012345"


def test_filters_by_state_and_period(people, lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    assert len(export_csv(client, extra="&state=submitted")) == 1
    assert len(export_csv(client, extra="&period=2")) == 2
    assert export_csv(client, extra="&period=3") == []


def test_a_province_admin_exports_its_districts(people, lampang_admin, client_for):
    assert len(export_csv(client_for(lampang_admin), unit="52")) == 2


@pytest.mark.parametrize(
    ("role", "unit", "shown"),
    [
        (Role.DEPARTMENT_ADMIN, "TH", True),
        (Role.PROVINCE_ADMIN, "52", True),
        (Role.PROVINCE_RECORDER, "52", True),
        (Role.DISTRICT_RECORDER, "5201", True),
        (Role.DISTRICT_HEAD, "5201", True),
        (Role.EXECUTIVE, "TH", False),
        (Role.EXECUTIVE, "52", False),
        (Role.BUREAU_OWNER, "TH", False),
    ],
)
def test_national_id_and_phone_are_masked_unless_the_role_may_see_them(
    people, make_user, client_for, role, unit, shown
):
    user = make_user(f"u-{role}-{unit}", role, unit)
    rows = export_csv(client_for(user), unit=unit)
    person = next(r for r in rows if r["ชื่อ-สกุล"] == "นางสาวสมหญิง รักถิ่น")
    if shown:
        assert (person["เลขประจำตัวประชาชน"], person["โทรศัพท์"]) == ("1101200012345", "0812345678")
    else:
        assert (person["เลขประจำตัวประชาชน"], person["โทรศัพท์"]) == ("xxxxxxxxx2345", "xxxxxx5678")
    assert may_see_personal_data(user, OrgUnit.objects.get(code="5201")) is shown


def test_every_export_is_logged_with_who_what_and_whether_personal_data_was_shown(
    people, lampang_recorder, executive, client_for
):
    export_csv(client_for(lampang_recorder), extra="&period=2&state=submitted")
    export_csv(client_for(executive), unit="TH")

    mine, theirs = ExportLog.objects.order_by("id")
    assert (mine.user, mine.dataset_key, mine.fiscal_year, mine.period_number) == (
        lampang_recorder,
        "all_types",
        2562,
        2,
    )
    assert (mine.orgunit_code, mine.state, mine.file_format, mine.rows) == (
        "5201",
        "submitted",
        "csv",
        1,
    )
    assert mine.personal_fields == ["national_id", "phone"] and mine.unmasked
    assert theirs.user == executive and not theirs.unmasked and theirs.rows == 2
    assert mine.at is not None


def test_the_body_is_streamed_in_pieces(people, lampang_recorder, client_for, monkeypatch):
    monkeypatch.setattr(exports, "CSV_BATCH", 1)
    monkeypatch.setattr(csv_copy, "CHUNK_BYTES", 1)
    response = client_for(lampang_recorder).get(EXPORT.format(unit="5201", fmt="csv"))
    chunks = [c for c in response.streaming_content if c]
    assert len(chunks) >= 3  # the header, then a piece per record


def test_the_outsider_cannot_export_lampang(people, chaiyaphum_recorder, client_for):
    response = client_for(chaiyaphum_recorder).get(EXPORT.format(unit="52", fmt="csv"))
    assert response.status_code == 404
    assert not ExportLog.objects.exists()


def test_an_unknown_dataset_returns_to_the_form_with_a_thai_message(lampang_recorder, client_for):
    response = client_for(lampang_recorder).get(
        "/excel/export/?dataset=nothing&fiscal_year=2562&format=csv", follow=True
    )
    assert "ไม่มีฐานข้อมูล “nothing” ในปีงบประมาณ 2562" in response.content.decode()


def test_a_large_xlsx_is_prepared_in_the_background_for_its_requester_only(
    people,
    lampang_recorder,
    lampang_admin,
    chaiyaphum_recorder,
    client_for,
    monkeypatch,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exports, "BACKGROUND_ROWS", 1)
    client = client_for(lampang_recorder)

    response = client.get(EXPORT.format(unit="5201", fmt="xlsx"))

    log = ExportLog.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/excel/exports/{log.pk}/"
    assert log.status == "ready" and log.rows == 2 and log.user == lampang_recorder
    html = client.get(response["Location"]).content.decode()
    assert f"/excel/exports/{log.pk}/download/" in html
    assert "all_types_2562_all_5201.xlsx" in client.get("/excel/").content.decode()
    download = client.get(f"/excel/exports/{log.pk}/download/")
    assert download["Content-Disposition"] == 'attachment; filename="all_types_2562_all_5201.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 3
    for other in (lampang_admin, chaiyaphum_recorder):
        for path in ("", "download/"):
            assert client_for(other).get(f"/excel/exports/{log.pk}/{path}").status_code == 404


def test_csv_always_streams_however_large(people, lampang_recorder, client_for, monkeypatch):
    monkeypatch.setattr(exports, "BACKGROUND_ROWS", 1)
    assert len(export_csv(client_for(lampang_recorder))) == 2


def _copies(period, template, count):
    """`count` more records like `template` (bulk, for volume only)."""
    from khomun.records.models import Subject

    first = Subject.objects.count()
    subjects = Subject.objects.bulk_create(
        [
            Subject(
                kind=template.subject.kind,
                name=f"{template.subject.name} {first + n}",
                orgunit=template.subject.orgunit,
                orgunit_path=template.subject.orgunit_path,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    Record.objects.bulk_create(
        [
            Record(
                dataset_version=template.dataset_version,
                period=period,
                orgunit=template.orgunit,
                orgunit_path=template.orgunit_path,
                subject=subject,
                values=template.values,
                state=template.state,
                complete=template.complete,
            )
            for subject in subjects
        ],
        batch_size=2000,
    )


def _peak_while_streaming(client):
    import tracemalloc

    response = client.get(EXPORT.format(unit="5201", fmt="csv"))
    tracemalloc.start()
    rows = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, peak


def test_memory_stays_flat_as_the_export_grows(people, lampang_recorder, client_for):
    """Four times the rows must not take more memory once past one fetch chunk
    (exports.CHUNK_ROWS): the rows are never all held at once (the national
    benchmark measures a million)."""
    template = Record.objects.filter(period=people).first()
    client = client_for(lampang_recorder)
    _copies(people, template, 2 * exports.CHUNK_ROWS)
    small_rows, small_peak = _peak_while_streaming(client)
    _copies(people, template, 6 * exports.CHUNK_ROWS)
    large_rows, large_peak = _peak_while_streaming(client)
    assert large_rows > 3.9 * small_rows
    assert large_peak < 1.3 * small_peak, (small_peak, large_peak)
