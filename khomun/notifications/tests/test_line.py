"""LINE Messaging API push against a real local HTTP server that checks the request
shape and answers like LINE (errors, rate limiting, retry-key conflicts)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from khomun.notifications import sending
from khomun.notifications.channels import line
from khomun.notifications.choices import AttemptOutcome, Channel, DeliveryStatus
from khomun.notifications.models import Delivery
from khomun.notifications.services import notify
from khomun.notifications.tasks import deliver
from khomun.notifications.tests.conftest import MUEANG_GROUP

pytestmark = pytest.mark.django_db

SUBJECT = "เตือน: ยอดจำหน่าย OTOP เดือนกุมภาพันธ์ ครบกำหนด ๑๐ มี.ค."


def _tell(user, commit, body="ยังไม่ได้บันทึก ๒ ราย", key="otop:5:5201"):
    with commit():
        return notify(user, kind="reminder", subject=SUBJECT, body=body, key=key, url="/x/")


def _delivery() -> Delivery:
    return Delivery.objects.get(channel=Channel.LINE)


def test_it_pushes_a_text_message_to_the_office_group(
    lampang_recorder, line_server, mueang_line, commit, settings
):
    settings.SITE_URL = "https://khomun.example.go.th"
    _tell(lampang_recorder, commit)
    [body] = line_server.accepted
    assert body["to"] == MUEANG_GROUP
    assert body["messages"] == [
        {
            "type": "text",
            "text": f"{SUBJECT}\n\nยังไม่ได้บันทึก ๒ ราย\n\nhttps://khomun.example.go.th/x/",
        }
    ]
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.SENT
    assert line_server.requests[0]["retry_key"] == str(delivery.retry_key)
    assert list(delivery.attempt_log.values_list("outcome", "code")) == [
        (AttemptOutcome.SENT, "200")
    ]


def test_long_text_is_split_at_line_breaks(lampang_recorder, line_server, mueang_line, commit):
    lines = [f"บรรทัดที่ {i} " + "ก" * 90 for i in range(120)]  # about 12,000 characters
    _tell(lampang_recorder, commit, body="\n".join(lines))
    [body] = line_server.accepted
    texts = [m["text"] for m in body["messages"]]
    assert 2 <= len(texts) <= 5
    assert all(len(t) <= 5000 for t in texts)
    assert "\n".join(texts).split("\n")[2:122] == lines  # nothing lost, no line cut


def test_text_beyond_five_messages_is_cut_with_a_note():
    chunks = line.split_text("\n".join("ข" * 4000 for _ in range(8)))
    assert len(chunks) == 5
    assert all(len(c) <= 5000 for c in chunks)
    assert chunks[-1].endswith("อ่านฉบับเต็มในระบบ)")


def test_a_single_huge_line_is_cut_hard():
    chunks = line.split_text("ค" * 12000)
    assert [len(c) for c in chunks] == [5000, 5000, 2000]


def test_rate_limit_is_retried_with_back_off_and_delivered_once(
    lampang_recorder, line_server, mueang_line, commit
):
    line_server.script = [429, 429]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _tell(lampang_recorder, commit)
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.next_attempt_at == start + dt.timedelta(minutes=1)
    assert "rate limit" in delivery.last_error

    sending.send_due(start + dt.timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + dt.timedelta(minutes=3)  # 1 + 2 minutes

    assert sending.send_due(start + dt.timedelta(minutes=3)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(line_server.accepted) == 1
    assert list(delivery.attempt_log.values_list("code", flat=True)) == ["429", "429", "200"]
    assert {r["retry_key"] for r in line_server.requests} == {str(delivery.retry_key)}


def test_it_honours_retry_after(lampang_recorder, line_server, mueang_line, commit):
    line_server.script = [429]
    line_server.retry_after = "30"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _tell(lampang_recorder, commit)
    assert _delivery().next_attempt_at == start + dt.timedelta(seconds=30)


def test_server_errors_fail_after_max_tries_and_the_retry_button_sends_it(
    lampang_recorder, lampang_admin, line_server, mueang_line, commit, client_for
):
    line_server.script = [500] * sending.MAX_ATTEMPTS
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _tell(lampang_recorder, commit)
    moment = start
    for _ in range(sending.MAX_ATTEMPTS - 1):
        moment += dt.timedelta(hours=1)
        sending.send_due(moment)
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == sending.MAX_ATTEMPTS
    assert delivery.attempt_log.count() == sending.MAX_ATTEMPTS
    assert "500" in delivery.last_error
    assert not line_server.accepted

    page = client_for(lampang_admin).get("/notifications/log/?orgunit=52&status=failed")
    assert SUBJECT in page.content.decode()
    with commit():
        response = client_for(lampang_admin).post(f"/notifications/log/{delivery.pk}/retry/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(line_server.accepted) == 1
    assert delivery.attempt_log.count() == sending.MAX_ATTEMPTS + 1


def test_a_wrong_token_fails_at_once(lampang_recorder, line_server, mueang_line, commit, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "wrong"
    _tell(lampang_recorder, commit)
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "401 Authentication failed"
    assert delivery.next_attempt_at is None


def test_a_bad_request_fails_at_once_with_lines_message(
    lampang_recorder, line_server, mueang_line, commit
):
    notify(lampang_recorder, kind="system", subject="s", body="b", key="k")  # not committed
    delivery = _delivery()
    delivery.recipient = "not-a-line-id"
    delivery.save()
    sending.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "'to'" in delivery.last_error


def test_the_same_task_run_twice_sends_one_request(
    lampang_recorder, line_server, mueang_line, commit
):
    _tell(lampang_recorder, commit)
    deliver.delay(_delivery().pk)
    deliver(_delivery().pk)
    assert len(line_server.requests) == 1
    assert _delivery().attempt_log.count() == 1


def test_a_retry_line_already_accepted_counts_as_sent(
    lampang_recorder, line_server, mueang_line, commit
):
    _tell(lampang_recorder, commit)
    delivery = _delivery()
    # As if the worker died after LINE accepted it but before the row was saved.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.RETRYING)
    sending.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(line_server.accepted) == 1
    assert delivery.attempt_log.last().code == "409"


def test_a_network_error_is_retried(lampang_recorder, mueang_line, commit, settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "token"
    settings.LINE_API_BASE = "http://127.0.0.1:9"
    _tell(lampang_recorder, commit)
    delivery = _delivery()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempt_log.get().code == ""


def test_a_removed_token_fails_queued_messages_with_a_reason(
    lampang_recorder, line_server, mueang_line, settings
):
    notify(lampang_recorder, kind="system", subject="s", body="b", key="k")  # not committed
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    sending.deliver(_delivery().pk)
    assert "LINE_CHANNEL_ACCESS_TOKEN" in _delivery().last_error
    assert _delivery().status == DeliveryStatus.FAILED
