"""The nightly check of the stored completeness figures (CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from khomun.lib.thaidate import fiscal_year
from khomun.monitoring import summary

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def check_area_figures() -> int:
    """Compare this fiscal year's stored figures with a live count; repair and log any
    row that differs (a writer that forgot to mark its change). Returns their number."""
    periods = summary.built_periods(fiscal_year(timezone.localdate()))
    wrong = summary.check(periods, repair=True)
    for period_id, area, differs in wrong:
        log.warning(
            "stored completeness figures differed: period %s %s: %s", period_id, area, differs
        )
    return len(wrong)
