from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from khomun.accounts.choices import Role
from khomun.notifications.choices import Channel, DeliveryStatus, NotificationKind
from khomun.notifications.models import Delivery, Notification, NotificationSettings
from khomun.notifications.services import notify
from khomun.notifications.tests.conftest import MUEANG_GROUP, TOKEN

pytestmark = pytest.mark.django_db


def _tell(user: Any, key: str = "reminder:1:5201:2019-03-13", **extra: Any) -> Notification | None:
    return notify(
        user,
        kind=NotificationKind.REMINDER,
        subject="เตือน: กลุ่มออมทรัพย์เพื่อการผลิต งวดที่ 2 ครบกำหนด 20 มี.ค. 2562",
        body="ยังบันทึกไม่ครบ 3 กลุ่ม",
        key=key,
        url="/records/2562/savings_groups/2/?orgunit=5201",
        **extra,
    )


def test_it_creates_the_inapp_notification(lampang_recorder):
    note = _tell(lampang_recorder)
    assert note is not None
    assert note.kind == NotificationKind.REMINDER
    assert list(Notification.objects.filter(user=lampang_recorder)) == [note]


def test_it_is_idempotent_on_the_key(lampang_recorder):
    assert _tell(lampang_recorder) is not None
    assert _tell(lampang_recorder) is None
    assert Notification.objects.filter(user=lampang_recorder).count() == 1


def test_another_key_is_another_notification(lampang_recorder):
    _tell(lampang_recorder, key="a")
    _tell(lampang_recorder, key="b")
    assert Notification.objects.filter(user=lampang_recorder).count() == 2


def test_it_queues_an_email_with_the_absolute_link(lampang_recorder, settings):
    settings.SITE_URL = "https://khomun.example.go.th"
    lampang_recorder.email = "muang@example.go.th"
    lampang_recorder.save()
    _tell(lampang_recorder)
    delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert delivery.recipient == "muang@example.go.th"
    assert delivery.orgunit_path == "TH/52/5201/"
    assert "https://khomun.example.go.th/records/2562/savings_groups/2/?orgunit=5201" in (
        delivery.text
    )


def test_it_sends_no_email_without_an_address_or_when_turned_off(lampang_recorder):
    _tell(lampang_recorder, key="no-address")
    lampang_recorder.email = "muang@example.go.th"
    lampang_recorder.save()
    NotificationSettings.objects.create(user=lampang_recorder, email_enabled=False)
    _tell(lampang_recorder, key="turned-off")
    assert not Delivery.objects.exists()


def test_it_sends_no_line_without_a_channel_token(lampang_recorder, mueang_line, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    _tell(lampang_recorder)
    assert not Delivery.objects.filter(channel=Channel.LINE).exists()


def test_users_of_one_office_share_one_line_message(
    lampang_recorder, make_user, mueang_line, settings
):
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    head = make_user("head.mueang", Role.DISTRICT_HEAD, "5201")
    _tell(lampang_recorder)
    _tell(head)
    assert Notification.objects.count() == 2
    line = Delivery.objects.get(channel=Channel.LINE)
    assert line.recipient == MUEANG_GROUP
    assert line.status == DeliveryStatus.QUEUED


def test_a_user_who_turned_line_off_gets_none(lampang_recorder, mueang_line, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    NotificationSettings.objects.create(user=lampang_recorder, line_enabled=False)
    _tell(lampang_recorder)
    assert not Delivery.objects.exists()


BELL = Template("{% load notifications %}{% notification_bell %}")


def test_the_bell_counts_unread_in_one_query(lampang_recorder, chaiyaphum_recorder):
    _tell(lampang_recorder, key="a")
    _tell(lampang_recorder, key="b")
    _tell(chaiyaphum_recorder, key="c")  # someone else's: not counted
    Notification.objects.filter(key="a").update(read_at="2019-03-13T08:00:00+07:00")
    with CaptureQueriesContext(connection) as queries:
        html = BELL.render(Context({"user": lampang_recorder}))
    assert len(queries) == 1
    assert 'class="bell-count"' in html
    assert ">1</span>" in html


def test_the_bell_is_hidden_from_visitors():
    from django.contrib.auth.models import AnonymousUser

    assert BELL.render(Context({"user": AnonymousUser()})).strip() == ""


def test_the_header_shows_the_bell(lampang_recorder, client_for):
    _tell(lampang_recorder)
    response = client_for(lampang_recorder).get("/notifications/")
    assert b'class="bell-count"' in response.content
