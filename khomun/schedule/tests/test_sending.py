"""Sending the day's reminders and digests through the notifications app."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from khomun.notifications.models import Notification
from khomun.schedule import tasks
from khomun.schedule.digest import digests_for
from khomun.schedule.reminders import send_reminders

pytestmark = pytest.mark.django_db

DUE_DAY = dt.date(2018, 11, 10)  # OTOP October 2561 is due


def test_it_sends_the_days_reminders_once(reminder_setup):
    setup = reminder_setup
    assert send_reminders(DUE_DAY) == 3  # 5202's recorder and head, 3601's recorder
    assert send_reminders(DUE_DAY) == 0  # a retry sends nothing new
    notes = Notification.objects.filter(kind="reminder")
    assert notes.count() == 3
    assert not notes.filter(user=setup["done"]).exists()
    note = notes.get(user=setup["recorder_5202"])
    assert note.subject.startswith("วันนี้ครบกำหนดส่ง ข้อมูลยอดจำหน่าย")
    assert "10 พฤศจิกายน 2561" in note.subject
    assert "ยังไม่บันทึก 1 รายการ" in note.body
    assert note.url == "/records/2562/otop_sales/1/?orgunit=5202"
    assert note.key == f"reminder:{setup['otop'].periods.get(number=1).pk}:5202:2018-11-10"


def test_a_day_without_reminders_sends_nothing(reminder_setup):
    assert send_reminders(dt.date(2018, 11, 12)) == 0
    assert not Notification.objects.exists()


@time_machine.travel(dt.datetime(2018, 11, 10, 1, 0, tzinfo=dt.UTC))  # 08:00 in Bangkok
def test_the_task_runs_for_today_in_bangkok_or_for_a_given_day(reminder_setup):
    tasks.send_daily_reminders.delay()
    assert Notification.objects.filter(key__endswith=":2018-11-10").count() == 3
    tasks.send_daily_reminders.delay("2018-11-03")
    assert Notification.objects.filter(key__endswith=":2018-11-03").count() == 3
    tasks.send_daily_reminders.delay("2018-11-03")
    assert Notification.objects.count() == 6


def test_the_province_admin_gets_one_digest_naming_the_late_district(reminder_setup):
    admin = reminder_setup["admin"]
    day = dt.date(2018, 11, 12)
    tasks.send_daily_digests.delay(day.isoformat())
    tasks.send_daily_digests.delay(day.isoformat())
    note = Notification.objects.get(user=admin, kind="digest")
    assert note.key == "digest:52:2018-11-12"
    assert "ลำปาง" in note.subject
    assert "ข้อมูลยอดจำหน่าย" in note.body and "เลยกำหนด" in note.body
    assert "แม่เมาะ" in note.body  # 5202 is late
    assert "เมืองลำปาง" not in note.body  # 5201 is done
    assert "ชัยภูมิ" not in note.body + note.subject  # another province's district


def test_no_digest_when_every_district_is_done(reminder_setup):
    from khomun.records.models import Subject
    from khomun.schedule.tests.conftest import submit_all

    day = dt.date(2018, 11, 12)
    assert [d.province.code for d in digests_for(day)] == ["52"]
    for item in Subject.objects.filter(orgunit__code="5202"):
        dataset = reminder_setup["otop"]
        submit_all(
            item, dataset if item.kind == dataset.subject_kind else reminder_setup["savings"]
        )
    assert digests_for(day) == []
