"""In-app channel: the Notification row is the message; the bell counts unread ones."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from khomun.notifications.models import Notification


def create(
    user: Any, *, kind: str, subject: str, body: str, key: str, url: str
) -> Notification | None:
    """The user's inbox entry, or None if one with this key exists (idempotency)."""
    if Notification.objects.filter(user=user, key=key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin loses cleanly
            return Notification.objects.create(
                user=user, kind=kind, subject=subject[:255], body=body, url=url, key=key
            )
    except IntegrityError:
        return None


def unread_count(user: Any) -> int:
    """One COUNT on the partial index of unread notifications. Every page shows it:
    as plain SQL, not a queryset the ORM builds again each time (costlier than the count)."""
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD, [user.pk])
        return int(cursor.fetchone()[0])


_UNREAD = (
    f"SELECT COUNT(*) FROM {Notification._meta.db_table} WHERE user_id = %s AND read_at IS NULL"
)


def mark_read(user: Any, notification: Notification | None = None) -> int:
    """Mark one (or all) of the user's unread notifications read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
