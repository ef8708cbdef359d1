"""Quiet time: e-mail held until it ends, then sent by the every-minute sweep."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from khomun.notifications import sending
from khomun.notifications.choices import Channel, DeliveryStatus
from khomun.notifications.models import Delivery, NotificationSettings
from khomun.notifications.quiet import in_quiet_time, quiet_until
from khomun.notifications.services import notify
from khomun.notifications.tasks import send_due_deliveries

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2019, 3, day, hour, minute, tzinfo=BANGKOK)


@pytest.fixture
def night_owl(lampang_recorder):
    lampang_recorder.email = "muang@example.go.th"
    lampang_recorder.save()
    NotificationSettings.objects.create(
        user=lampang_recorder, quiet_start=dt.time(20, 0), quiet_end=dt.time(7, 0)
    )
    return lampang_recorder


def _tell(user, commit, key="k"):
    with commit():
        notify(user, kind="reminder", subject="เตือน", body="ข้อความ", key=key)


@pytest.mark.django_db
def test_an_email_in_quiet_time_is_held_then_sent_when_it_ends(night_owl, smtp_server, commit):
    with time_machine.travel(at(13, 22, 15), tick=False):
        _tell(night_owl, commit)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.HELD
    assert delivery.next_attempt_at == at(14, 7)  # spans midnight: 07:00 the next day
    assert not smtp_server.received

    with time_machine.travel(at(14, 6, 59), tick=False):
        send_due_deliveries.delay()
    assert not smtp_server.received
    with time_machine.travel(at(14, 7, 0), tick=False):
        send_due_deliveries.delay()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_after_midnight_it_waits_until_the_same_morning(night_owl, smtp_server, commit):
    with time_machine.travel(at(14, 3, 0), tick=False):
        _tell(night_owl, commit)
    assert Delivery.objects.get().next_attempt_at == at(14, 7)


@pytest.mark.django_db
def test_outside_quiet_time_it_goes_at_once(night_owl, smtp_server, commit):
    with time_machine.travel(at(14, 12, 0), tick=False):
        _tell(night_owl, commit)
    assert Delivery.objects.get().status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_a_retry_falling_in_quiet_time_is_held(night_owl, smtp_server, commit):
    smtp_server.refuse = "421 4.7.0 Try again later"
    with time_machine.travel(
        at(
            14,
            19,
            59,
        ),
        tick=False,
    ):
        _tell(night_owl, commit)
    smtp_server.refuse = ""
    sending.send_due(at(14, 20, 0))
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.HELD
    assert delivery.next_attempt_at == at(15, 7)


@pytest.mark.django_db
def test_office_line_groups_have_no_quiet_time(
    night_owl, mueang_line, line_server, smtp_server, commit
):
    with time_machine.travel(at(13, 23, 0), tick=False):
        _tell(night_owl, commit)
    assert Delivery.objects.get(channel=Channel.LINE).status == DeliveryStatus.SENT
    assert Delivery.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.HELD


def test_a_daytime_quiet_time_does_not_span_midnight():
    prefs = NotificationSettings(quiet_start=dt.time(12, 0), quiet_end=dt.time(13, 0))
    assert quiet_until(prefs, at(14, 12, 30)) == at(14, 13)
    assert quiet_until(prefs, at(14, 13, 0)) is None
    assert quiet_until(prefs, at(14, 11, 59)) is None


times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@given(times, times, times)
def test_quiet_time_is_the_complement_of_its_reverse(moment, start, end):
    if start != end:
        assert in_quiet_time(moment, start, end) != in_quiet_time(moment, end, start)
