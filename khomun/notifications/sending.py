"""Sending deliveries: one try at a time, retries scheduled by `next_attempt_at`.

Nothing here sleeps. A temporary failure sets the next try (back-off, or LINE's
Retry-After) and the beat sweep `send_due` sends it when due, so inline (eager) tasks
in tests and `make demo` return at once and tests move the clock instead of waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
from types import ModuleType

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khomun.notifications import quiet
from khomun.notifications.channels import Outcome
from khomun.notifications.channels import email as email_channel
from khomun.notifications.channels import line as line_channel
from khomun.notifications.choices import (
    PENDING_STATUSES,
    AttemptOutcome,
    Channel,
    DeliveryStatus,
)
from khomun.notifications.models import Delivery, DeliveryAttempt, NotificationSettings

log = logging.getLogger(__name__)

CHANNELS: dict[str, ModuleType] = {Channel.EMAIL: email_channel, Channel.LINE: line_channel}
MAX_ATTEMPTS = 8
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=1)
SWEEP_BATCH = 500


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... minutes after the n-th failed try, at most an hour."""
    delay: dt.timedelta = FIRST_DELAY * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_DELAY)


def _hold_for_quiet_time(delivery: Delivery, now: dt.datetime) -> bool:
    if delivery.channel != Channel.EMAIL or delivery.user_id is None:
        return False  # office LINE groups have no quiet time
    prefs = NotificationSettings.objects.filter(user_id=delivery.user_id).first()
    until = quiet.quiet_until(prefs, now) if prefs else None
    if until is None:
        return False
    delivery.status = DeliveryStatus.HELD
    delivery.next_attempt_at = until
    delivery.save(update_fields=["status", "next_attempt_at"])
    return True


def _record(delivery: Delivery, outcome: Outcome, now: dt.datetime) -> None:
    delivery.attempts += 1
    result = outcome.result
    if result == AttemptOutcome.RETRY and delivery.attempts >= MAX_ATTEMPTS:
        result = AttemptOutcome.FAILED
    DeliveryAttempt.objects.create(
        delivery=delivery, at=now, outcome=result, code=outcome.code, detail=outcome.detail
    )
    if result == AttemptOutcome.SENT:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.next_attempt_at = None
        delivery.last_error = ""
    elif result == AttemptOutcome.RETRY:
        wait = (
            dt.timedelta(seconds=outcome.retry_after)
            if outcome.retry_after is not None
            else backoff(delivery.attempts)
        )
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = now + wait
        delivery.last_error = outcome.detail
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.last_error = outcome.detail
        log.warning("delivery %s failed: %s", delivery.pk, outcome.detail)
    delivery.save()


def deliver(delivery_id: int, *, now: dt.datetime | None = None) -> str | None:
    """One try at one delivery if it is due; returns its status afterwards.

    The row is locked while it is sent, so two workers (or a task run twice) cannot
    both send it, and a sent, failed or not-yet-due delivery is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return None
        if delivery.status not in PENDING_STATUSES:
            return str(delivery.status)
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return str(delivery.status)
        if _hold_for_quiet_time(delivery, now):
            return str(delivery.status)
        _record(delivery, CHANNELS[delivery.channel].send(delivery), now)
        return str(delivery.status)


def due(now: dt.datetime) -> list[int]:
    return list(
        Delivery.objects.filter(status__in=PENDING_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def send_due(now: dt.datetime | None = None) -> int:
    """Send held, retrying and stranded queued deliveries whose time has come;
    returns how many went out."""
    now = now or timezone.now()
    return sum(deliver(pk, now=now) == DeliveryStatus.SENT for pk in due(now))


class NotRetryable(Exception):
    pass


def retry_now(delivery: Delivery) -> None:
    """A province admin's "retry" on a failed delivery: a new round of tries, at once
    (the earlier attempts stay in the log)."""
    if delivery.status != DeliveryStatus.FAILED:
        raise NotRetryable(_("ส่งซ้ำได้เฉพาะรายการที่ส่งไม่สำเร็จ"))
    delivery.status = DeliveryStatus.QUEUED
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
