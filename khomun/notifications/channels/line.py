"""LINE channel: the Messaging API push endpoint (LINE Notify closed in 2025).

An office links its LINE user, group or room id (LineLink); a user with LINE on gets
their messages in the group of their own office, so users of one office share one
message per key. Office groups have no quiet time: a group is not one person's phone.

Without settings.LINE_CHANNEL_ACCESS_TOKEN no LINE delivery is created at all (the
department has no official account yet, there is nothing to retry); a token removed
after a delivery was queued makes that delivery fail with a clear reason.

Every try sends the delivery's own X-Line-Retry-Key, so a retry of a request LINE
already accepted answers 409 and is counted as sent, never delivered twice.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from khomun.accounts import policy
from khomun.notifications.channels import Outcome, Recipient
from khomun.notifications.choices import AttemptOutcome
from khomun.notifications.models import Delivery, LineLink, NotificationSettings

TEXT_LIMIT = 5000  # characters in one text message
MESSAGES_LIMIT = 5  # messages in one push request
TIMEOUT = 15  # seconds


def configured() -> bool:
    return bool(settings.LINE_CHANNEL_ACCESS_TOKEN)


def recipient_for(user: Any, prefs: NotificationSettings) -> Recipient | None:
    if not prefs.line_enabled or not configured():
        return None
    unit = policy.primary_unit(user)
    if unit is None:
        return None
    link = LineLink.objects.filter(office__orgunit=unit).first()
    if link is None:
        return None
    return Recipient(link.target_id, unit.path, quiet=False)


def _cut(line: str) -> list[str]:
    return [line[i : i + TEXT_LIMIT] for i in range(0, len(line), TEXT_LIMIT)] or [""]


def split_text(text: str) -> list[str]:
    """At most 5 messages of at most 5,000 characters, cut at line breaks; what does
    not fit is dropped with a note saying so."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        for piece in _cut(line):
            if len(current) + len(piece) > TEXT_LIMIT:
                chunks.append(current)
                current = ""
            current += piece
    if current or not chunks:
        chunks.append(current)
    chunks = [c.rstrip("\n") or "-" for c in chunks]
    if len(chunks) > MESSAGES_LIMIT:
        note = "\n" + _("…(ข้อความยาวเกินกว่าที่ LINE รับได้ อ่านฉบับเต็มในระบบ)")
        chunks = chunks[:MESSAGES_LIMIT]
        chunks[-1] = chunks[-1][: TEXT_LIMIT - len(note)] + note
    return chunks


def message_text(delivery: Delivery) -> str:
    return f"{delivery.subject}\n\n{delivery.text}".strip()


def request_for(delivery: Delivery) -> urllib.request.Request:
    payload = {
        "to": delivery.recipient,
        "messages": [{"type": "text", "text": t} for t in split_text(message_text(delivery))],
    }
    return urllib.request.Request(
        f"{settings.LINE_API_BASE}/v2/bot/message/push",
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={
            "Authorization": f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}",
            "Content-Type": "application/json",
            "X-Line-Retry-Key": str(delivery.retry_key),
        },
    )


def _line_message(body: bytes) -> str:
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return body.decode("utf-8", "replace")[:500]
    if not isinstance(data, dict):
        return str(data)[:500]
    message = str(data.get("message", ""))
    details = data.get("details")
    if details:
        message += " " + json.dumps(details, ensure_ascii=False)
    return message[:1000]


def _retry_after(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def send(delivery: Delivery) -> Outcome:
    if not configured():
        return Outcome(
            AttemptOutcome.FAILED,
            detail=_("ยังไม่ได้ตั้งค่า LINE_CHANNEL_ACCESS_TOKEN ของบัญชีทางการ"),
        )
    try:
        with urllib.request.urlopen(request_for(delivery), timeout=TIMEOUT) as response:
            return Outcome(AttemptOutcome.SENT, code=str(response.status))
    except urllib.error.HTTPError as exc:
        status, message = exc.code, _line_message(exc.read())
        retry_after = _retry_after(exc.headers.get("Retry-After"))
    except (urllib.error.URLError, OSError) as exc:
        return Outcome(AttemptOutcome.RETRY, detail=f"{type(exc).__name__}: {exc}")
    detail = f"{status} {message}".strip()
    if status == 409:  # this retry key was accepted before: the message is out
        return Outcome(AttemptOutcome.SENT, code="409", detail=detail)
    if status == 429 or status >= 500:
        return Outcome(
            AttemptOutcome.RETRY, code=str(status), detail=detail, retry_after=retry_after
        )
    return Outcome(AttemptOutcome.FAILED, code=str(status), detail=detail)
