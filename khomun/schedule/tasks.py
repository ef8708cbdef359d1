"""The daily reminder and digest runs (CELERY_BEAT_SCHEDULE names them). Each takes
an optional ISO date so a missed day can be run again; a re-run sends nothing twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone, translation

from khomun.schedule import digest, reminders


def _day(iso_date: str | None) -> dt.date:
    """The given day, or today in Asia/Bangkok (the project's time zone)."""
    return dt.date.fromisoformat(iso_date) if iso_date else timezone.localdate()


@shared_task(acks_late=True, ignore_result=True)
def send_daily_reminders(iso_date: str | None = None) -> int:
    with translation.override("th"):
        return reminders.send_reminders(_day(iso_date))


@shared_task(acks_late=True, ignore_result=True)
def send_daily_digests(iso_date: str | None = None) -> int:
    with translation.override("th"):
        return digest.send_daily_digests(_day(iso_date))
