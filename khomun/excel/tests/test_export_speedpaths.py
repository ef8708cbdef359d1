"""The fast CSV path writes exactly what formatting each cell of `RowMaker.row` writes."""

import csv
import io

import pytest
import time_machine

from khomun.accounts.choices import Role
from khomun.excel import exports
from khomun.excel.tests.helpers import SPRING, load_all_types
from khomun.orgunits.models import OrgUnit
from khomun.records.models import Record
from khomun.records.services import save_record

ODD_VALUES = {
    "full_name": 'คำว่า "ทดสอบ", และ\nบรรทัดใหม่',
    "national_id": 1101200012345,
    "phone": 812345678,
    "village": ["52010101"],
    "birth_date": "ไม่ใช่วันที่",
    "children": "3",
    "income": 1234.5,
    "score": 2.25,
    "level": "zz",
    "skills": "weave",
    "volunteer": "no",
}


@pytest.fixture
def awkward(catalog_2562, lampang_recorder):
    """Three records of Mueang Lampang: a usual one, one of odd stored types, one empty."""
    with time_machine.travel(SPRING, tick=False):
        period = load_all_types()
        unit = OrgUnit.objects.get(code="5201")
        usual = {
            "full_name": "นางสาวสมหญิง รักถิ่น",
            "national_id": "1101200012345",
            "phone": "0812345678",
            "income": "120000.75",
            "birth_date": "15/06/2525",
            "level": "a",
            "skills": ["weave", "cook"],
            "volunteer": True,
        }
        for name, national_id in (("ก", usual["national_id"]), ("ข", ""), ("ค", "")):
            values = {**usual, "full_name": name, "national_id": national_id}
            save_record(lampang_recorder, period, values, orgunit=unit)
    records = Record.objects.filter(period=period).order_by("id")
    Record.objects.filter(pk=records[1].pk).update(values=ODD_VALUES)
    Record.objects.filter(pk=records[2].pk).update(values={})
    return period


def body_of(user, period):
    req = exports.export_request(
        user, dataset_key="all_types", fiscal_year=2562, orgunit="5201", file_format="csv"
    )
    maker = exports.RowMaker(user, req, "th")
    log = exports.log_export(user, req, maker, via_api=False)
    return b"".join(exports.stream_csv(maker, exports.records_of(req), log)), maker, req


def cell_by_cell(maker, req):
    """The CSV as exports wrote it before the fast path: every cell through RowMaker."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(maker.headers())
    for record in exports.export_rows(exports.records_of(req)):
        writer.writerow([exports._csv_text(v) for v in maker.row(record)])
    return "\ufeff".encode() + buffer.getvalue().encode()


@pytest.mark.parametrize(
    ("role", "unit"), [(Role.DISTRICT_RECORDER, "5201"), (Role.EXECUTIVE, "TH")]
)
def test_the_csv_is_byte_identical_to_formatting_cell_by_cell(awkward, make_user, role, unit):
    user = make_user(f"speed-{role}", role, unit)
    body, maker, req = body_of(user, awkward)
    assert body == cell_by_cell(maker, req)
    assert body.count(b"\r\n") >= 4  # the header and three records, one with a line break


def test_odd_stored_values_and_masking_come_out_as_before(awkward, make_user):
    executive = make_user("speed-exec", Role.EXECUTIVE, "TH")
    body, _maker, _req = body_of(executive, awkward)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    odd = next(r for r in rows if r["ชื่อ-สกุล"] == ODD_VALUES["full_name"])
    assert (odd["เลขประจำตัวประชาชน"], odd["โทรศัพท์"]) == ("xxxxxxxxx2345", "xxxxx5678")
    assert odd["รายได้ต่อปี"] == "1234.5" and odd["วันเกิด"] == "ไม่ใช่วันที่"
    usual = next(r for r in rows if r["ชื่อ-สกุล"] == "ก")
    assert usual["เลขประจำตัวประชาชน"] == "xxxxxxxxx2345"
    assert usual["ทักษะ"] == "ทอผ้า, ทำอาหาร" and usual["รายได้ต่อปี"] == "120000.75"


def test_fetch_chunks_and_write_batches_do_not_change_the_body(
    awkward, lampang_recorder, monkeypatch
):
    whole, _maker, _req = body_of(lampang_recorder, awkward)
    monkeypatch.setattr(exports, "CHUNK_ROWS", 1)
    monkeypatch.setattr(exports, "CSV_BATCH", 1)
    piecemeal, _maker, _req = body_of(lampang_recorder, awkward)
    assert piecemeal == whole
