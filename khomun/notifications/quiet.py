"""Quiet time: local (Asia/Bangkok) hours in which a user gets no e-mail."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from khomun.notifications.models import NotificationSettings


def in_quiet_time(moment: dt.time, start: dt.time, end: dt.time) -> bool:
    """Is `moment` within [start, end)? A start after the end spans midnight."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def quiet_until(prefs: NotificationSettings, now: dt.datetime) -> dt.datetime | None:
    """When the quiet time around `now` ends, or None when `now` is not quiet."""
    start, end = prefs.quiet_start, prefs.quiet_end
    if start is None or end is None:
        return None
    local = timezone.localtime(now)
    if not in_quiet_time(local.time(), start, end):
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += dt.timedelta(days=1)  # Thailand has no daylight saving: a day is 24 hours
    return until
