"""A record's page: its values and its history (who, when, action, old → new)."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from khomun.records.models import Record
from khomun.records.services import save_record, submit_record

BANGKOK = ZoneInfo("Asia/Bangkok")


def test_it_shows_the_values_in_thai(lampang_data, lampang_recorder, client_for):
    html = (
        client_for(lampang_recorder)
        .get(f"/records/r/{lampang_data['lampang_record']}/")
        .content.decode()
    )
    assert "กลุ่มออมทรัพย์บ้านเวียงเหนือ" in html
    assert "สมาชิกหญิง" in html and "60 คน" in html
    assert "ฉบับร่าง" in html


def test_it_shows_who_changed_what_from_old_to_new(lampang_data, lampang_recorder, client_for):
    record = Record.objects.get(pk=lampang_data["lampang_record"])
    changed = {**record.values, "members_male": 45, "members_female": 55}
    with time_machine.travel(dt.datetime(2018, 12, 5, 9, 30, tzinfo=BANGKOK), tick=False):
        record = save_record(
            lampang_recorder,
            record.period,
            changed,
            record=record,
            expected_version=record.version,
            today=dt.date(2018, 12, 5),
        )
    html = client_for(lampang_recorder).get(f"/records/r/{record.pk}/").content.decode()
    assert "สมาชิกชาย: 40 คน → 45 คน" in html
    assert "สมาชิกหญิง: 60 คน → 55 คน" in html
    assert "แก้ไข" in html and "สร้าง" in html
    assert "muang.lampang" in html  # who (the account has no full name)
    assert "5 ธ.ค. 2561 09:30" in html  # when, in Buddhist Era and local time


def test_a_submit_is_in_the_history(lampang_data, lampang_recorder, client_for):
    record = Record.objects.get(pk=lampang_data["lampang_record"])
    full = {**record.values, "savings_balance": "1000", "loans_outstanding": "500"}
    record = save_record(
        lampang_recorder, record.period, full, record=record, today=dt.date(2018, 12, 5)
    )
    submit_record(lampang_recorder, record, today=dt.date(2018, 12, 5))
    html = client_for(lampang_recorder).get(f"/records/r/{record.pk}/").content.decode()
    assert html.count("<td>ส่ง</td>") == 1 and "ส่งแล้ว" in html


def test_the_outsider_gets_404(lampang_data, chaiyaphum_recorder, client_for):
    response = client_for(chaiyaphum_recorder).get(f"/records/r/{lampang_data['lampang_record']}/")
    assert response.status_code == 404


def test_an_unknown_record_is_404(lampang_recorder, client_for):
    assert client_for(lampang_recorder).get("/records/r/999999/").status_code == 404


def test_an_executive_reads_it_without_an_edit_button(lampang_data, executive, client_for):
    with time_machine.travel(dt.datetime(2018, 12, 5, 9, 0, tzinfo=BANGKOK), tick=False):
        html = (
            client_for(executive)
            .get(f"/records/r/{lampang_data['lampang_record']}/")
            .content.decode()
        )
    assert "กลุ่มออมทรัพย์บ้านเวียงเหนือ" in html
    assert "แก้ไขข้อมูล" not in html and "อ่านอย่างเดียว" in html


def test_the_recorder_gets_an_edit_button_while_the_period_is_open(
    lampang_data, lampang_recorder, client_for
):
    url = f"/records/r/{lampang_data['lampang_record']}/"
    with time_machine.travel(dt.datetime(2018, 12, 5, 9, 0, tzinfo=BANGKOK), tick=False):
        html = client_for(lampang_recorder).get(url).content.decode()
    assert f"{url}edit/" in html
    with time_machine.travel(dt.datetime(2019, 3, 1, 9, 0, tzinfo=BANGKOK), tick=False):
        html = client_for(lampang_recorder).get(url).content.decode()
    assert f"{url}edit/" not in html  # locked since 19 January 2562
