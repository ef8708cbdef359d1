"""The fast CSV paths write exactly what formatting each cell of `RowMaker.row` writes:
the Python writer (`csv_row_writer`) everywhere, and PostgreSQL's COPY (`csv_copy`)."""

import csv
import io
from dataclasses import replace

import pytest
import time_machine
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.utils import translation

from khomun.accounts.choices import Role
from khomun.catalog.definition import Choice
from khomun.excel import csv_copy, exports
from khomun.excel.csv_copy import RowCount
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
# More values of the wrong type, as an older definition of a field might have left them.
ODDER_VALUES = [
    {
        "full_name": True,
        "national_id": "123",
        "phone": True,
        "children": "3.00",
        "income": 5,
        "score": "-0.50",
        "level": 1,
        "skills": ["weave", 7, None, "zz"],
        "volunteer": [],
        "village": {"code": "52010101"},
    },
    {
        "full_name": 12.5,
        "children": " 12 ",
        "score": "1e2",
        "income": "99.9",
        "level": True,
        "skills": [],
        "volunteer": 0,
        "birth_date": 5,
    },
    {"full_name": "", "children": "สาม", "score": 2.0, "volunteer": {}, "skills": "a"},
    {"full_name": " ", "children": False, "score": "0.00", "volunteer": {"a": 1}, "level": None},
]


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
        names = ["ก", "ข", "ค"] + [f"ง{i}" for i in range(len(ODDER_VALUES))]
        for name in names:
            values = {**usual, "full_name": name}
            if name != "ก":
                values["national_id"] = ""
            save_record(lampang_recorder, period, values, orgunit=unit)
    records = Record.objects.filter(period=period).order_by("id")
    Record.objects.filter(pk=records[1].pk).update(values=ODD_VALUES)
    Record.objects.filter(pk=records[2].pk).update(values={})
    for record, values in zip(records[3:], ODDER_VALUES, strict=True):
        Record.objects.filter(pk=record.pk).update(values=values)
    return period


def body_of(user, period):
    req = exports.export_request(
        user, dataset_key="all_types", fiscal_year=2562, orgunit="5201", file_format="csv"
    )
    maker = exports.RowMaker(user, req, "th")
    log = exports.log_export(user, req, maker, via_api=False)
    return b"".join(exports.stream_csv(maker, exports.records_of(req), log)), maker, req


def cell_by_cell(maker, req):
    """The CSV as exports wrote it before the fast paths: every cell through RowMaker."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
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
    expected = cell_by_cell(maker, req)
    assert body == expected
    assert body.count(b"\n") >= 8  # the header and seven records, one with a line break
    python_lines = b"".join(exports.csv_lines(maker, exports.records_of(req), RowCount()))
    assert expected.endswith(python_lines) and python_lines.count(b"\n") >= 7


ODD_OPTIONS = (
    Choice("weave", "ทอ 50% 'ผ้า' \"ไหม\", ใหม่\nบรรทัด", "50% 'silk', %s"),
    Choice("cook", "ทำอาหาร%%", ""),
    Choice("1", "หนึ่ง", "one"),  # a digit option: 1 stored as a number is not it
)


def with_odd_options(maker, options):
    """The choice fields with options whose labels SQL and CSV must escape."""
    maker.fields = [
        replace(f, choices=options) if f.type in ("choice", "multichoice") else f
        for f in maker.fields
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("options", ["defined", "odd labels", "odd labels and a digit"])
def test_copy_writes_the_lines_the_python_writer_writes(awkward, make_user, lang, options):
    """Masked (executive) and in full (recorder), in Thai and in English."""
    record = Record.objects.filter(period=awkward).order_by("id")[3]
    Record.objects.filter(pk=record.pk).update(
        values={**record.values, "skills": [1, "1", "weave", "cook", True], "level": "1"}
    )
    for user in (
        make_user("copy-exec", Role.EXECUTIVE, "TH"),
        make_user("copy-rec", Role.DISTRICT_RECORDER, "5201"),
    ):
        req = exports.export_request(
            user, dataset_key="all_types", fiscal_year=2562, orgunit="5201", file_format="csv"
        )
        with translation.override(lang):
            maker = exports.RowMaker(user, req, lang)
            if options != "defined":
                with_odd_options(maker, ODD_OPTIONS if "digit" in options else ODD_OPTIONS[:2])
            count = RowCount()
            copied = b"".join(csv_copy.copy_lines(maker, exports.records_of(req), count))
            written = b"".join(exports.csv_lines(maker, exports.records_of(req), RowCount()))
        assert copied == written
        assert count.rows == Record.objects.filter(period=awkward).count() == 7


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
    monkeypatch.setattr(csv_copy, "CHUNK_BYTES", 1)
    piecemeal, _maker, _req = body_of(lampang_recorder, awkward)
    assert piecemeal == whole


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_download_stopped_halfway_leaves_the_connection_usable(
    awkward, lampang_recorder, monkeypatch
):
    """The browser goes away mid-file: the server closes the body, and the COPY in
    flight must not be left on the connection the worker keeps for its next request."""
    monkeypatch.setattr(csv_copy, "CHUNK_BYTES", 1)
    req = exports.export_request(
        lampang_recorder, dataset_key="all_types", fiscal_year=2562, file_format="csv"
    )
    response = exports.export_response(lampang_recorder, req)
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith("\ufeff".encode())  # the header
    assert next(chunks)  # the first line of the COPY
    # As the server does, but without request_finished closing the test's connection
    # (Django's test client holds that signal back in the same way).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert Record.objects.filter(period=awkward).count() == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_sorts_the_rows_as_the_python_writer_does(catalog_2562, lampang_admin):
    """Rows stored in another order than the export's (period, area, name, id): the
    second district's record was saved first. COPY sorts after unpacking the values in
    its parallel workers, so the order is the outer query's to keep."""
    with time_machine.travel(SPRING, tick=False):
        period = load_all_types()
        for code in ("5202", "5201"):
            unit = OrgUnit.objects.get(code=code)
            save_record(lampang_admin, period, {"full_name": f"ผู้ตอบ {code}"}, orgunit=unit)
    req = exports.export_request(
        lampang_admin, dataset_key="all_types", fiscal_year=2562, file_format="csv"
    )
    maker = exports.RowMaker(lampang_admin, req, "th")
    copied = b"".join(csv_copy.copy_lines(maker, exports.records_of(req), RowCount()))
    written = b"".join(exports.csv_lines(maker, exports.records_of(req), RowCount()))
    assert copied == written
    assert copied.index("ผู้ตอบ 5201".encode()) < copied.index("ผู้ตอบ 5202".encode())
