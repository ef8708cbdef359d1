"""Period locking: after its lock date a period is read-only, except for a district a
province admin reopened for some days. Before the lock, late work is accepted (and
counted late by the completeness figures), never refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from khomun.accounts import policy
from khomun.monitoring.models import Reopening
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import Period

MAX_REOPEN_DAYS = 60


class ReopenError(Exception):
    """A refused reopening; the message is Thai and names the field."""

    status = 400

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.errors = {field: [message]}


def district_code(unit: OrgUnit) -> str | None:
    """The district a unit lies in (itself for a district); None above districts."""
    if unit.level in (Level.COUNTRY, Level.PROVINCE):
        return None
    return unit.code[:4]


def is_open_for(period: Period, orgunit: OrgUnit, today: dt.date) -> bool:
    """May records of `orgunit` in `period` still change on `today`?

    Open until the lock date; after it only where a reopening of the unit's district
    still runs."""
    if not period.is_locked(today):
        return True
    code = district_code(orgunit)
    if code is None:
        return False
    return Reopening.objects.filter(period=period, district__code=code, until__gte=today).exists()


def reopened_until(period: Period, district: OrgUnit, today: dt.date) -> dt.date | None:
    """The last day of the reopening that runs today for this district, if any."""
    row = (
        Reopening.objects.filter(period=period, district=district, until__gte=today)
        .order_by("-until")
        .first()
    )
    return row.until if row else None


def reopen(
    actor: Any,
    period: Period,
    district: OrgUnit,
    days: int,
    reason: str,
    *,
    today: dt.date | None = None,
) -> Reopening:
    """A province admin opens a locked period again for one district for `days` days
    (today counts as the first). The row is the log."""
    policy.require_view(actor, district)
    if not policy.can_manage_orgunit(actor, district):
        raise PermissionDenied
    today = today or timezone.localdate()
    if district.level != Level.DISTRICT:
        raise ReopenError(_("เปิดรับข้อมูลอีกครั้งได้เฉพาะรายอำเภอ"), "district")
    if not period.is_locked(today):
        raise ReopenError(_("งวดนี้ยังไม่ปิดรับข้อมูล"), "period")
    if not 1 <= days <= MAX_REOPEN_DAYS:
        message = _("จำนวนวัน: ต้องอยู่ระหว่าง 1 ถึง %(max)s วัน") % {"max": MAX_REOPEN_DAYS}
        raise ReopenError(message, "days")
    reason = (reason or "").strip()
    if not reason:
        raise ReopenError(_("เหตุผล: กรุณาระบุเหตุผลที่เปิดรับข้อมูลอีกครั้ง"), "reason")
    return Reopening.objects.create(
        period=period,
        district=district,
        until=today + dt.timedelta(days=days - 1),
        reason=reason,
        by=actor if getattr(actor, "pk", None) else None,
    )
