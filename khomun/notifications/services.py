"""Telling users things: the one entry point `notify`, channel settings, LINE links.

Callers (reminders, digests, letters) choose the `key`. It makes `notify` idempotent
per user, and per (channel, recipient) for outside channels: give a message that is
the same for everyone in an office a key without the user in it (e.g.
"reminder:<period>:<unit>:<date>"), so the office LINE group gets it once however
many of its users are told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from khomun.accounts.models import User
from khomun.notifications import quiet, sending
from khomun.notifications.channels import Recipient, absolute_url, inapp
from khomun.notifications.channels import email as email_channel
from khomun.notifications.channels import line as line_channel
from khomun.notifications.choices import Channel, DeliveryStatus
from khomun.notifications.models import (
    Delivery,
    LineLink,
    Notification,
    NotificationSettings,
)
from khomun.orgunits.models import Office

OUTSIDE_CHANNELS = ((Channel.EMAIL, email_channel), (Channel.LINE, line_channel))


def preferences(user: Any) -> NotificationSettings:
    """The user's settings, or the defaults (unsaved) when never changed."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def message_text(body: str, url: str) -> str:
    """The plain text sent outside the site: the body and the absolute link."""
    link = absolute_url(url)
    return f"{body.strip()}\n\n{link}" if link else body.strip()


def _enqueue(delivery_id: int) -> None:
    from khomun.notifications.tasks import deliver

    transaction.on_commit(partial(deliver.delay, delivery_id))


def _queue(
    channel: str,
    to: Recipient,
    note: Notification,
    *,
    text: str,
    html: str,
    prefs: NotificationSettings,
    now: dt.datetime,
) -> Delivery:
    until = quiet.quiet_until(prefs, now) if to.quiet else None
    delivery, created = Delivery.objects.get_or_create(
        channel=channel,
        recipient=to.address,
        key=note.key,
        defaults={
            "orgunit_path": to.orgunit_path,
            "user": note.user,
            "notification": note,
            "subject": note.subject,
            "text": text,
            "html": html,
            "url": note.url,
            "status": DeliveryStatus.HELD if until else DeliveryStatus.QUEUED,
            "next_attempt_at": until or now,
        },
    )
    if created and delivery.status == DeliveryStatus.QUEUED:
        _enqueue(delivery.pk)
    return delivery


def notify(
    user: User, *, kind: str, subject: str, body: str, key: str, url: str = "", html: str = ""
) -> Notification | None:
    """Tell one user something, on the channels they chose. Idempotent on (user, key): a
    second call with the same key does nothing and returns None. Creates the in-app
    Notification and one Delivery per chosen outside channel, sent after the transaction
    commits (Celery task), or held until the user's quiet time ends."""
    with transaction.atomic():
        note = inapp.create(user, kind=kind, subject=subject, body=body, key=key, url=url)
        if note is None:
            return None
        prefs = preferences(user)
        now = timezone.now()
        text = message_text(body, url)
        for channel, module in OUTSIDE_CHANNELS:
            to = module.recipient_for(user, prefs)
            if to is not None:
                _queue(channel, to, note, text=text, html=html, prefs=prefs, now=now)
    return note


def notify_each(
    users: Iterable[User], *, kind: str, subject: str, body: str, key: str, url: str = ""
) -> int:
    """The same message to several users; returns how many were told for the first time."""
    return sum(
        notify(user, kind=kind, subject=subject, body=body, key=key, url=url) is not None
        for user in users
    )


def retry_delivery(delivery: Delivery) -> None:
    """The log's "retry" button: a new round of tries for a failed delivery."""
    with transaction.atomic():
        sending.retry_now(delivery)
        _enqueue(delivery.pk)


def link_line(office: Office, *, target_id: str, display_name: str, by: Any) -> LineLink:
    link, _ = LineLink.objects.update_or_create(
        office=office,
        defaults={"target_id": target_id, "display_name": display_name, "linked_by": by},
    )
    return link


def unlink_line(office: Office) -> None:
    LineLink.objects.filter(office=office).delete()
