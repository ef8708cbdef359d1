"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from khomun.notifications import sending
from khomun.notifications.choices import AttemptOutcome, DeliveryStatus, NotificationKind
from khomun.notifications.models import Delivery
from khomun.notifications.services import notify

pytestmark = pytest.mark.django_db

SUBJECT = "เตือน: ออมทรัพย์เพื่อการผลิต งวดที่ ๒ ครบกำหนด ๒๐ มีนาคม ๒๕๖๒"
BODY = "อำเภอเมืองลำปางยังบันทึกไม่ครบ ๓ กลุ่ม\nกรุณาบันทึกให้แล้วเสร็จ"


@pytest.fixture
def recorder(lampang_recorder):
    lampang_recorder.email = "muang.lampang@example.go.th"
    lampang_recorder.save()
    return lampang_recorder


def _tell(user, commit):
    with commit():
        return notify(
            user,
            kind=NotificationKind.REMINDER,
            subject=SUBJECT,
            body=BODY,
            key="reminder:savings:2:5201",
            url="/records/2562/savings_groups/2/",
        )


def test_it_sends_a_thai_email_with_text_and_html(recorder, smtp_server, commit, settings):
    settings.SITE_URL = "https://khomun.example.go.th"
    settings.DEFAULT_FROM_EMAIL = "khomun@cdd.example.go.th"
    _tell(recorder, commit)

    [envelope] = smtp_server.received
    assert envelope.rcpt_tos == ["muang.lampang@example.go.th"]
    [message] = smtp_server.messages()
    # Django folds a long encoded subject onto the next line; the unfolded value keeps
    # that fold's space in front, which mail clients drop too.
    assert message["Subject"].lstrip() == SUBJECT
    assert message["From"] == "khomun@cdd.example.go.th"
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")
    assert BODY in text
    assert "https://khomun.example.go.th/records/2562/savings_groups/2/" in text
    assert SUBJECT in html
    assert "อำเภอเมืองลำปางยังบันทึกไม่ครบ ๓ กลุ่ม<br>กรุณาบันทึกให้แล้วเสร็จ" in html
    assert 'href="https://khomun.example.go.th/records/2562/savings_groups/2/"' in html
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert [a.outcome for a in delivery.attempt_log.all()] == [AttemptOutcome.SENT]


def test_it_uses_the_callers_html_when_given(recorder, smtp_server, commit):
    with commit():
        notify(recorder, kind="letter", subject=SUBJECT, body=BODY, key="k", html="<p>ตาราง</p>")
    [message] = smtp_server.messages()
    assert "<p>ตาราง</p>" in message.get_body(preferencelist=("html",)).get_content()


def test_a_refusing_server_is_retried_until_it_recovers(recorder, smtp_server, commit):
    smtp_server.refuse = "451 4.3.0 Mailbox busy, try again later"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _tell(recorder, commit)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.next_attempt_at == start + dt.timedelta(minutes=1)
    assert "451" in delivery.last_error
    assert not smtp_server.received

    # Not due yet: the sweep leaves it alone.
    assert sending.send_due(start + dt.timedelta(seconds=30)) == 0
    smtp_server.refuse = ""
    assert sending.send_due(start + dt.timedelta(minutes=1)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(smtp_server.received) == 1
    attempts = list(delivery.attempt_log.values_list("outcome", "code"))
    assert attempts == [(AttemptOutcome.RETRY, "451"), (AttemptOutcome.SENT, "250")]


def test_a_permanent_refusal_fails_at_once(recorder, smtp_server, commit):
    smtp_server.refuse = "550 5.1.1 No such user"
    _tell(recorder, commit)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "550" in delivery.last_error


def test_an_unreachable_server_is_retried(recorder, settings, commit):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on discard
    _tell(recorder, commit)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempt_log.get().code == ""
