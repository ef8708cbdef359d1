import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records.models import Change, Record, Subject

BANGKOK = ZoneInfo("Asia/Bangkok")
JSON = "application/json"
GROUP = {
    "group_name": "กลุ่มออมทรัพย์บ้านทุ่งฝาย",
    "village": "52010102",
    "members_male": 10,
    "members_female": 15,
    "members": 25,
    "savings_balance": "120,000.50",
    "loans_outstanding": 80000,
    "welfare_fund": 0,
}
NEW = {"dataset": "savings_groups", "fiscal_year": 2562, "period": 1, "orgunit": "5201"}
RECORD_KEYS = {
    "id", "dataset", "fiscal_year", "period", "orgunit", "subject", "values", "state",
    "complete", "version", "created_at", "updated_at", "submitted_at", "return_comment",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _in_the_first_savings_period():
    """10 December 2561: period 1 of FY2562 is open and not yet due."""
    with time_machine.travel(dt.datetime(2018, 12, 10, 10, 0, tzinfo=BANGKOK), tick=False):
        yield


def new_record(**values):
    return {**NEW, "values": {**GROUP, **values}}


def state_of_everything():
    """What a refused call must leave untouched."""
    return (
        list(Record.objects.order_by("pk").values_list("pk", "values", "version", "state")),
        Subject.objects.count(),
        Change.objects.count(),
        OrgUnit.objects.filter(code="52010102").exists(),
    )


def url(lampang_data, suffix=""):
    return f"/api/v1/records/{lampang_data['lampang_record']}{suffix}"


# ---------------------------------------------------------------- reading


def test_it_lists_the_records_in_scope(lampang_recorder, api_client, lampang_data):
    response = api_client(lampang_recorder).get("/api/v1/records")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert set(item) == RECORD_KEYS
    assert item["id"] == lampang_data["lampang_record"]
    assert item["dataset"] == "savings_groups" and item["fiscal_year"] == 2562
    assert item["period"] == 1 and item["orgunit"] == "5201"
    assert item["subject"] == lampang_data["lampang_subject"]
    assert item["values"]["members"] == 100 and item["values"]["village"] == "52010101"
    assert item["state"] == "draft" and item["complete"] is False and item["version"] == 1
    assert item["submitted_at"] is None


def test_it_filters_the_list(lampang_recorder, api_client, lampang_data):
    client = api_client(lampang_recorder)
    assert client.post("/api/v1/records", new_record(), content_type=JSON).status_code == 201
    subject = lampang_data["lampang_subject"]

    def count(query):
        response = client.get(f"/api/v1/records?{query}")
        assert response.status_code == 200
        return response.json()["count"]

    assert count("dataset=savings_groups&fiscal_year=2562") == 2
    assert count("fiscal_year=2561") == 0
    assert count("dataset=otop_sales") == 0
    assert count("period=1") == 2 and count("period=2") == 0
    assert count("orgunit=5201") == 2
    assert count(f"subject={subject}") == 1
    assert count("state=draft") == 2 and count("state=submitted") == 0
    assert client.get("/api/v1/records?state=lost").json()["field"] == "state"


def test_it_shows_one_record(lampang_recorder, executive, api_client, lampang_data):
    response = api_client(lampang_recorder).get(url(lampang_data))
    assert response.status_code == 200
    assert set(response.json()) == RECORD_KEYS
    assert api_client(executive).get(url(lampang_data)).status_code == 200
    assert api_client(lampang_recorder).get("/api/v1/records/999999").status_code == 404


def test_the_outsider_sees_no_lampang_record(chaiyaphum_recorder, api_client, lampang_data):
    client = api_client(chaiyaphum_recorder)
    assert client.get("/api/v1/records").json() == {"items": [], "count": 0}
    assert client.get("/api/v1/records?orgunit=5201").status_code == 404
    assert client.get(url(lampang_data)).status_code == 404


def test_the_province_sees_its_districts_only(lampang_admin, api_client, lampang_data):
    client = api_client(lampang_admin)
    assert client.get("/api/v1/records").json()["count"] == 1
    assert client.get("/api/v1/records?orgunit=3601").status_code == 404


def test_listing_is_a_fixed_number_of_queries(
    lampang_recorder, api_client, catalog_2562, django_assert_max_num_queries
):
    client = api_client(lampang_recorder)
    for moo in range(1, 13):
        values = {"group_name": f"กลุ่มที่ {moo}", "village": f"520101{moo:02d}"}
        response = client.post("/api/v1/records", new_record(**values), content_type=JSON)
        assert response.status_code == 201
    client.get("/api/v1/records")
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/records?limit=1000").json()["count"] == 12
    assert len(client.get("/api/v1/records?limit=5&offset=10").json()["items"]) == 2


# ---------------------------------------------------------------- creating


def test_it_registers_the_group_and_records_it(lampang_recorder, api_client, catalog_2562):
    response = api_client(lampang_recorder).post("/api/v1/records", new_record(), content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == RECORD_KEYS
    assert body["orgunit"] == "5201" and body["state"] == "draft" and body["version"] == 1
    assert body["values"]["savings_balance"] == "120000.50"
    assert body["values"]["loans_outstanding"] == "80000.00"
    assert body["complete"] is True
    subject = Subject.objects.get(pk=body["subject"])
    assert subject.name == "กลุ่มออมทรัพย์บ้านทุ่งฝาย" and subject.orgunit.code == "52010102"


def test_the_answer_to_a_save_is_the_record_as_read_back(
    lampang_recorder, api_client, catalog_2562
):
    """The answer is built from the saved record, not read again: it must still say
    what a later GET says, after a create and after a change."""
    client = api_client(lampang_recorder)
    created = client.post("/api/v1/records", new_record(), content_type=JSON)
    assert created.status_code == 201
    record_url = f"/api/v1/records/{created.json()['id']}"
    assert created.json() == client.get(record_url).json()
    changed = client.patch(
        record_url, {"values": {"members_male": 11, "members": 26}, "version": 1}, content_type=JSON
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert changed.json() == client.get(record_url).json()
    assert changed.json()["values"]["members"] == 26


def test_a_call_with_a_token_never_reads_the_browser_session(
    lampang_recorder, api_client, catalog_2562, client, monkeypatch
):
    """A token call that also carries a signed-in session cookie (a browser calling the
    API) is the token's user's: the session is not loaded at all, from the database or
    from Redis (whichever the session engine reads)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    loads = []
    load = store.load

    def counted(self):
        loads.append(self.session_key)
        return load(self)

    monkeypatch.setattr(store, "load", counted)
    client.force_login(lampang_recorder)
    token_client = api_client(lampang_recorder)
    token_client.cookies = client.cookies
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    loads.clear()  # signing in wrote (and read) it
    response = token_client.post("/api/v1/records", new_record(), content_type=JSON)
    assert response.status_code == 201
    assert loads == []
    assert client.get("/").status_code == 200  # a page does read it
    assert loads == [key]


def _village_reads(call):
    """The queries a call makes for a village by its code."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = call()
    village = re.compile(r"""orgunits_orgunit.*"code" = '\d{8}'""")
    return response, [q["sql"] for q in queries.captured_queries if village.search(q["sql"])]


def test_the_subjects_own_village_is_not_read_again(lampang_recorder, api_client, lampang_data):
    """The subject came with its village: a save naming that village checks it without
    reading it a second time; another village is still read and checked."""
    client = api_client(lampang_recorder)
    other = get_or_create_village("520101", 2, "บ้านทดสอบ")
    payload = {
        "dataset": "savings_groups",
        "fiscal_year": 2562,
        "period": 2,
        "subject": lampang_data["lampang_subject"],
        "values": {**GROUP, "village": "52010101"},
    }
    created, reads = _village_reads(
        lambda: client.post("/api/v1/records", payload, content_type=JSON)
    )
    assert created.status_code == 201 and reads == []
    record = created.json()
    patch = {"values": {"savings_balance": 90000}, "version": record["version"]}
    changed, reads = _village_reads(
        lambda: client.patch(f"/api/v1/records/{record['id']}", patch, content_type=JSON)
    )
    assert changed.status_code == 200, changed.json()
    assert reads == []
    patch = {"values": {"village": other.code}, "version": changed.json()["version"]}
    moved, reads = _village_reads(
        lambda: client.patch(f"/api/v1/records/{record['id']}", patch, content_type=JSON)
    )
    assert moved.status_code == 200 and len(reads) == 1
    assert moved.json()["values"]["village"] == other.code


def test_it_records_an_existing_subject(lampang_recorder, api_client, lampang_data):
    client = api_client(lampang_recorder)
    payload = {
        "dataset": "savings_groups",
        "fiscal_year": 2562,
        "period": 2,
        "subject": lampang_data["lampang_subject"],
        "values": {**GROUP, "group_name": "กลุ่มออมทรัพย์บ้านเวียงเหนือ", "village": "52010101"},
    }
    response = client.post("/api/v1/records", payload, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["subject"] == lampang_data["lampang_subject"]
    assert response.json()["orgunit"] == "5201"
    before = state_of_everything()
    again = client.post("/api/v1/records", payload, content_type=JSON)
    assert again.status_code == 409 and again.json()["message"]
    assert state_of_everything() == before


def test_a_same_named_group_needs_confirming(lampang_recorder, api_client, lampang_data):
    client = api_client(lampang_recorder)
    same = new_record(group_name="กลุ่มออมทรัพย์บ้านเวียงเหนือ", village="52010101")
    before = state_of_everything()
    response = client.post("/api/v1/records", same, content_type=JSON)
    assert response.status_code == 409
    assert response.json()["existing"]["id"] == lampang_data["lampang_subject"]
    assert "เวียงเหนือ" in response.json()["message"]
    assert state_of_everything() == before
    confirmed = client.post(
        "/api/v1/records", {**same, "confirm_duplicate": True}, content_type=JSON
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["subject"] != lampang_data["lampang_subject"]


def test_a_dataset_without_subjects_is_recorded_by_its_level(
    lampang_admin, lampang_recorder, api_client, catalog_2562
):
    payload = {
        "dataset": "volunteer_anniversary",
        "fiscal_year": 2562,
        "period": 1,
        "orgunit": "52",
        "values": {"activity_date": "2019-01-14", "venue": "ศาลากลางจังหวัดลำปาง"},
    }
    response = api_client(lampang_admin).post("/api/v1/records", payload, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["subject"] is None and response.json()["orgunit"] == "52"
    assert response.json()["complete"] is False
    district = api_client(lampang_recorder).post(
        "/api/v1/records", {**payload, "orgunit": "5201"}, content_type=JSON
    )
    assert district.status_code == 400 and district.json()["field"] == "orgunit"


# ---------------------------------------------------------------- bad values

BAD_VALUES = [
    ("members_male", "สิบ", "“สมาชิกชาย” ต้องเป็นจำนวนเต็ม"),
    ("members_male", True, "“สมาชิกชาย” ต้องเป็นจำนวนเต็ม"),
    ("committee_size", 51, "“จำนวนคณะกรรมการกลุ่ม” ต้องไม่เกิน 50"),
    ("members_female", -1, "“สมาชิกหญิง” ต้องไม่น้อยกว่า 0"),
    ("savings_balance", "10.555", "“เงินสัจจะสะสมทรัพย์คงเหลือ” มีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)"),
    ("welfare_fund", "หนึ่งพัน", "“เงินกองทุนสวัสดิการสมาชิก” ต้องเป็นจำนวนเงินบาท เช่น 1,234.50"),
    ("founded_date", "31/02/2562", "“วันที่จัดตั้งกลุ่ม” ต้องเป็นวันที่ เช่น 20/03/2562 หรือ 2019-03-20"),
    ("health_level", "9", "“ผลการตรวจสุขภาพกลุ่ม” ไม่มีตัวเลือก “9”"),
    ("village", 52010102, "“หมู่บ้านที่ตั้งกลุ่ม” ต้องเป็นรหัสพื้นที่ 2, 4, 6 หรือ 8 หลัก"),
    ("members", 30, "สมาชิกชายรวมกับสมาชิกหญิงต้องเท่ากับจำนวนสมาชิกทั้งหมด"),
    (
        "loans_outstanding",
        "200000",
        "เงินให้กู้คงค้างต้องไม่เกินเงินสัจจะสะสมทรัพย์รวมกับเงินกองทุนสวัสดิการ",
    ),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_a_bad_value_is_refused_with_a_thai_message_naming_the_field(
    lampang_recorder, api_client, lampang_data, field, value, message
):
    before = state_of_everything()
    response = api_client(lampang_recorder).post(
        "/api/v1/records", new_record(**{field: value}), content_type=JSON
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {field: [message]}
    assert body["field"] == field and body["message"]
    assert state_of_everything() == before


def test_a_bad_national_id_checksum_is_refused(lampang_recorder, api_client, catalog_2562):
    payload = {
        "dataset": "development_standard",
        "fiscal_year": 2562,
        "period": 1,
        "orgunit": "5201",
        "values": {
            "applicant_type": "person",
            "applicant_name": "นายสมชาย ใจดี",
            "national_id": "3520100123458",
            "village": "52010101",
        },
    }
    before = state_of_everything()
    response = api_client(lampang_recorder).post("/api/v1/records", payload, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "national_id": ["“เลขประจำตัวประชาชนของผู้นำ” ไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง)"]
    }
    assert state_of_everything() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dataset": "nope"}, "dataset"),
        ({"fiscal_year": 2555}, "dataset"),
        ({"period": 9}, "period"),
        ({"period": "first"}, "period"),
        ({"orgunit": None}, "orgunit"),
        ({"values": "all"}, "values"),
    ],
)
def test_a_bad_request_names_the_field(lampang_recorder, api_client, catalog_2562, change, field):
    before = state_of_everything()
    response = api_client(lampang_recorder).post(
        "/api/v1/records", {**new_record(), **change}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["errors"][field]
    assert state_of_everything() == before


def test_a_village_outside_the_district_is_refused(lampang_recorder, api_client, catalog_2562):
    before = state_of_everything()
    response = api_client(lampang_recorder).post(
        "/api/v1/records", new_record(village="52020101"), content_type=JSON
    )
    assert response.status_code == 400 and response.json()["field"] == "village"
    assert state_of_everything() == before


# ---------------------------------------------------------------- scope


def test_the_outsider_changes_nothing_in_lampang(chaiyaphum_recorder, api_client, lampang_data):
    client = api_client(chaiyaphum_recorder)
    before = state_of_everything()
    existing = {**NEW, "period": 2, "subject": lampang_data["lampang_subject"], "orgunit": None}
    calls = [
        client.post("/api/v1/records", new_record(), content_type=JSON),
        client.post("/api/v1/records", {**existing, "values": GROUP}, content_type=JSON),
        client.patch(url(lampang_data), {"values": {"members": 1}}, content_type=JSON),
        client.post(url(lampang_data, "/submit"), content_type=JSON),
    ]
    assert [r.status_code for r in calls] == [404, 404, 404, 404]
    assert state_of_everything() == before


def test_a_district_cannot_record_for_its_neighbour(lampang_recorder, api_client, catalog_2562):
    before = state_of_everything()
    response = api_client(lampang_recorder).post(
        "/api/v1/records", {**new_record(), "orgunit": "5202"}, content_type=JSON
    )
    assert response.status_code == 404
    assert state_of_everything() == before


def test_the_province_records_for_its_districts(lampang_admin, api_client, catalog_2562):
    response = api_client(lampang_admin).post("/api/v1/records", new_record(), content_type=JSON)
    assert response.status_code == 201
    outside = api_client(lampang_admin).post(
        "/api/v1/records", {**new_record(), "orgunit": "3601"}, content_type=JSON
    )
    assert outside.status_code == 404


def test_the_executive_reads_but_cannot_write(executive, api_client, lampang_data):
    client = api_client(executive)
    assert client.get("/api/v1/records").json()["count"] == 1
    before = state_of_everything()
    calls = [
        client.post("/api/v1/records", new_record(), content_type=JSON),
        client.patch(url(lampang_data), {"values": {"members": 1}}, content_type=JSON),
        client.post(url(lampang_data, "/submit"), content_type=JSON),
    ]
    assert [r.status_code for r in calls] == [403, 403, 403]
    assert all(r.json()["message"] for r in calls)
    assert state_of_everything() == before


# ---------------------------------------------------------------- changing


def test_a_patch_changes_only_the_values_sent(lampang_recorder, api_client, lampang_data):
    response = api_client(lampang_recorder).patch(
        url(lampang_data),
        {"values": {"savings_balance": 5000, "loans_outstanding": "1,000"}, "version": 1},
        content_type=JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2 and body["complete"] is True
    assert body["values"]["savings_balance"] == "5000.00"
    assert body["values"]["group_name"] == "กลุ่มออมทรัพย์บ้านเวียงเหนือ"
    assert body["values"]["members"] == 100
    cleared = api_client(lampang_recorder).patch(
        url(lampang_data), {"values": {"loans_outstanding": None}}, content_type=JSON
    )
    assert "loans_outstanding" not in cleared.json()["values"]
    assert cleared.json()["complete"] is False and cleared.json()["version"] == 3


def test_the_second_of_two_saves_is_refused_and_the_first_is_kept(
    lampang_recorder, lampang_admin, api_client, lampang_data
):
    first = api_client(lampang_recorder).patch(
        url(lampang_data), {"values": {"committee_size": 7}, "version": 1}, content_type=JSON
    )
    assert first.status_code == 200
    before = state_of_everything()
    second = api_client(lampang_admin).patch(
        url(lampang_data), {"values": {"committee_size": 9}, "version": 1}, content_type=JSON
    )
    assert second.status_code == 409
    assert "มีผู้อื่นบันทึกรายการนี้ก่อนท่าน" in second.json()["message"]
    assert state_of_everything() == before
    assert Record.objects.get(pk=lampang_data["lampang_record"]).values["committee_size"] == 7


def test_a_bad_patch_changes_nothing(lampang_recorder, api_client, lampang_data):
    client = api_client(lampang_recorder)
    before = state_of_everything()
    bad = client.patch(url(lampang_data), {"values": {"members": 99}}, content_type=JSON)
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"members": ["สมาชิกชายรวมกับสมาชิกหญิงต้องเท่ากับจำนวนสมาชิกทั้งหมด"]}
    moved = client.patch(url(lampang_data), {"period": 2, "values": {}}, content_type=JSON)
    assert moved.status_code == 400 and moved.json()["field"] == "period"
    assert moved.json()["errors"]["period"] == ["เปลี่ยนงวดของข้อมูลที่บันทึกแล้วไม่ได้"]
    stale = client.patch(url(lampang_data), {"version": "one"}, content_type=JSON)
    assert stale.status_code == 400 and stale.json()["field"] == "version"
    assert state_of_everything() == before


def test_the_record_as_read_can_be_sent_back(lampang_recorder, api_client, lampang_data):
    client = api_client(lampang_recorder)
    record = client.get(url(lampang_data)).json()
    record["values"]["committee_size"] = 5
    response = client.patch(url(lampang_data), record, content_type=JSON)
    assert response.status_code == 200 and response.json()["values"]["committee_size"] == 5


def test_a_closed_period_refuses_changes(lampang_recorder, api_client, lampang_data):
    client = api_client(lampang_recorder)
    before = state_of_everything()
    with time_machine.travel(dt.datetime(2019, 2, 1, 10, 0, tzinfo=BANGKOK), tick=False):
        response = client.patch(url(lampang_data), {"values": {"members": 100}}, content_type=JSON)
    assert response.status_code == 409 and "ปิดรับข้อมูล" in response.json()["message"]
    assert state_of_everything() == before


# ---------------------------------------------------------------- submitting


def test_an_incomplete_record_is_not_submitted(lampang_recorder, api_client, lampang_data):
    before = state_of_everything()
    response = api_client(lampang_recorder).post(url(lampang_data, "/submit"), content_type=JSON)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {
        "savings_balance": ["กรุณากรอก “เงินสัจจะสะสมทรัพย์คงเหลือ”"],
        "loans_outstanding": ["กรุณากรอก “เงินให้สมาชิกกู้คงค้าง”"],
    }
    assert state_of_everything() == before


def test_a_complete_record_is_submitted(lampang_recorder, api_client, lampang_data):
    client = api_client(lampang_recorder)
    client.patch(
        url(lampang_data),
        {"values": {"savings_balance": 5000, "loans_outstanding": 1000}},
        content_type=JSON,
    )
    stale = client.post(url(lampang_data, "/submit"), {"version": 1}, content_type=JSON)
    assert stale.status_code == 409
    response = client.post(url(lampang_data, "/submit"), {"version": 2}, content_type=JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "submitted" and body["complete"] is True and body["version"] == 3
    assert body["submitted_at"].startswith("2018-12-10")
    listed = client.get("/api/v1/records?state=submitted").json()
    assert [r["id"] for r in listed["items"]] == [lampang_data["lampang_record"]]


def test_the_schema_lists_the_record_paths(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/records"])
    assert {"get", "patch"} <= set(paths["/api/v1/records/{record_id}"])
    assert "post" in paths["/api/v1/records/{record_id}/submit"]
    params = {p["name"] for p in paths["/api/v1/records"]["get"]["parameters"]}
    assert {"dataset", "fiscal_year", "period", "orgunit", "state", "subject"} <= params
