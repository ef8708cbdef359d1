"""The province admin's daily digest: how its districts stand on what is due soon.

For every period open on the day (not locked) whose due date in the province is
within the next week or already past, per dataset recorded by districts: how many
of the province's districts are done (every expected record submitted) and which
are not. A province with nothing pending gets no digest. The figures of all
provinces come from one grouped pass (`reminders.figures_by_unit`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from khomun.accounts.choices import Role
from khomun.accounts.models import RoleAssignment, User
from khomun.lib.thaidate import fiscal_year, format_date
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import Period
from khomun.schedule.reminders import all_deadlines, figures_by_unit, is_done
from khomun.schedule.services import open_periods

# A period enters the digest this many days before its due date.
DAYS_AHEAD = 7


@dataclass(frozen=True)
class DigestItem:
    period: Period
    due: dt.date
    done: int
    pending: list[OrgUnit]

    def line(self, day: dt.date) -> str:
        late = (day - self.due).days
        values = {
            "dataset": self.period.dataset.name_th,
            "period": self.period.label_th,
            "due": format_date(self.due, short=True),
            "done": self.done,
            "total": self.done + len(self.pending),
            "days": late,
            "names": ", ".join(u.name_th for u in self.pending),
        }
        if late > 0:
            text = _(
                "%(dataset)s %(period)s เลยกำหนด %(due)s มา %(days)s วัน: "
                "ครบแล้ว %(done)s จาก %(total)s อำเภอ ยังไม่ครบ: %(names)s"
            )
        else:
            text = _(
                "%(dataset)s %(period)s กำหนดส่ง %(due)s: "
                "ครบแล้ว %(done)s จาก %(total)s อำเภอ ยังไม่ครบ: %(names)s"
            )
        return text % values


@dataclass
class Digest:
    day: dt.date
    province: OrgUnit
    admins: list[User]
    items: list[DigestItem] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"digest:{self.province.code}:{self.day.isoformat()}"

    @property
    def subject(self) -> str:
        return _("สรุปการบันทึกข้อมูลของ%(province)s ประจำวันที่ %(day)s") % {
            "province": self.province.full_name_th,
            "day": format_date(self.day),
        }

    @property
    def body(self) -> str:
        return "\n".join(f"- {item.line(self.day)}" for item in self.items)

    @property
    def url(self) -> str:
        return reverse("monitoring_matrix", args=[fiscal_year(self.day), self.province.code])


def digests_for(day: dt.date) -> list[Digest]:
    """The day's digests, one per province that has admins and something pending."""
    admins: dict[int, list[User]] = defaultdict(list)
    provinces: dict[int, OrgUnit] = {}
    rows = RoleAssignment.objects.filter(
        role=Role.PROVINCE_ADMIN, orgunit__level=Level.PROVINCE, user__is_active=True
    ).select_related("user", "orgunit")
    for a in rows.order_by("orgunit__code", "user__username"):
        admins[a.orgunit_id].append(a.user)
        provinces[a.orgunit_id] = a.orgunit
    periods = [p for p in open_periods(day) if Level.DISTRICT in p.dataset.levels]
    if not admins or not periods:
        return []
    deadlines = all_deadlines(periods)
    codes = {u.code for u in provinces.values()}
    watched = [
        p
        for p in periods
        if any((deadlines.get((p.pk, c), p.due) - day).days <= DAYS_AHEAD for c in codes)
    ]
    if not watched:
        return []
    districts: dict[str, list[OrgUnit]] = defaultdict(list)
    for d in OrgUnit.objects.filter(
        level=Level.DISTRICT, has_cdd_office=True, parent__code__in=codes
    ).order_by("code"):
        districts[d.code[:2]].append(d)
    groups = figures_by_unit(watched, OrgUnit.objects.get(level=Level.COUNTRY))
    result = []
    for pk, province in provinces.items():
        digest = Digest(day, province, admins[pk])
        for period in watched:
            due = deadlines.get((period.pk, province.code), period.due)
            if (due - day).days > DAYS_AHEAD:
                continue
            units = districts[province.code]
            figures = groups[period.pk]
            pending = [u for u in units if u.path in figures and not is_done(figures[u.path])]
            if pending:
                digest.items.append(DigestItem(period, due, len(units) - len(pending), pending))
        if digest.items:
            digest.items.sort(key=lambda i: (i.due, i.period.dataset.order, i.period.number))
            result.append(digest)
    return result


def send_daily_digests(day: dt.date) -> int:
    """Send the day's digests; idempotent like the reminders (one key per province and day)."""
    from khomun.notifications.choices import NotificationKind
    from khomun.notifications.services import notify_each

    return sum(
        notify_each(
            digest.admins,
            kind=NotificationKind.DIGEST,
            subject=digest.subject,
            body=digest.body,
            key=digest.key,
            url=digest.url,
        )
        for digest in digests_for(day)
    )
