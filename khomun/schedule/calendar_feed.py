"""Each user's private calendar (.ics) of their org unit's due dates.

The address carries a random token (the feed needs no log-in, so calendar apps can
fetch it); revoking it makes the old address 404 at once. Events are all-day on the
due date that applies to the user's org unit (the province's own deadline where it
set one), with alarms 7 days and 1 day before, for the current fiscal year and the
next one once its catalog is published.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from khomun.accounts import policy
from khomun.lib.thaidate import fiscal_year
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records.progress import FOLLOWED_LEVELS, period_url
from khomun.schedule.models import CalendarFeed, Period
from khomun.schedule.services import due_for, periods_for_year, province_deadlines, province_of

ALARM_DAYS = (7, 1)
# How often calendar apps should fetch the feed again.
REFRESH = dt.timedelta(hours=12)
PRODID = "-//Community Development Department//Khomun//TH"


# ---------------------------------------------------------------- the token


def active_feed(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def replace_feed(user: Any) -> CalendarFeed:
    """A new address for the user; the old one (if any) stops working."""
    with transaction.atomic():
        revoke_feed(user)
        return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


def revoke_feed(user: Any) -> None:
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def feed_by_token(token: str) -> CalendarFeed:
    """The live feed of an active user with this token, else 404."""
    feed = (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if feed is None:
        raise Http404
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("calendar_feed", args=[feed.token])


# ---------------------------------------------------------------- the calendar


def feed_periods(unit: OrgUnit, today: dt.date) -> list[Period]:
    """The periods the unit follows in this fiscal year and the next (if published)."""
    followed = FOLLOWED_LEVELS.get(unit.level, frozenset())
    year = fiscal_year(today)
    periods = periods_for_year(year) + periods_for_year(year + 1)
    return [p for p in periods if followed & set(p.dataset.levels)]


def build_calendar(user: Any, today: dt.date | None = None) -> bytes:
    """The user's feed as iCalendar bytes (RFC 5545; lines folded by `icalendar`)."""
    today = today or timezone.localdate()
    unit = policy.primary_unit(user)
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = unit.full_name_th if unit else ""
    cal.add("x-wr-calname", _("กำหนดส่งข้อมูล %(unit)s") % {"unit": name})
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    if unit is None:
        return bytes(cal.to_ical())
    periods = feed_periods(unit, today)
    province = province_of(unit)
    deadlines = province_deadlines(periods, province) if province else {}
    stamp = timezone.now()
    for period in periods:
        cal.add_component(_event(period, unit, due_for(period, unit, deadlines), stamp))
    return bytes(cal.to_ical())


def _event(period: Period, unit: OrgUnit, due: dt.date, stamp: dt.datetime) -> Event:
    summary = _("ครบกำหนดบันทึก %(dataset)s %(period)s") % {
        "dataset": period.dataset.name_th,
        "period": period.label_th,
    }
    link = settings.SITE_URL + period_url(period, unit)
    event = Event()
    where = province_of(unit) if unit.level != Level.COUNTRY else None
    event.add("uid", f"period-{period.pk}-{where or 'th'}@khomun")
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{summary}\n{link}")
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    for days in ALARM_DAYS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -dt.timedelta(days=days))
        event.add_component(alarm)
    return event
