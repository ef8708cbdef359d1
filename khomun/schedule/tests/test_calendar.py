"""The private calendar feed: valid iCalendar, the due dates that apply, revocable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from icalendar import Calendar

from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import CalendarFeed, Period, ProvinceDeadline

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2018, 11, 1, 3, 0, tzinfo=dt.UTC)


def feed_path(feed: CalendarFeed) -> str:
    return f"/schedule/calendar/{feed.token}.ics"


def fetch(client, feed: CalendarFeed) -> Calendar:
    response = client.get(feed_path(feed))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, Any]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


@time_machine.travel(TODAY)
def test_the_feed_is_valid_icalendar_with_the_due_dates_that_apply(
    catalog_2562, lampang_recorder, client_for
):
    from khomun.schedule.calendar_feed import replace_feed

    savings = Period.objects.get(dataset__fiscal_year=2562, dataset__key="savings_groups", number=1)
    ProvinceDeadline.objects.create(
        period=savings, province=OrgUnit.objects.get(code="52"), due=dt.date(2018, 12, 14)
    )
    feed = replace_feed(lampang_recorder)
    cal = fetch(client_for(lampang_recorder), feed)  # the feed needs no log-in, any client
    assert str(cal["version"]) == "2.0"
    assert str(cal["calscale"]) == "GREGORIAN" and str(cal["method"]) == "PUBLISH"
    assert "prodid" in cal and str(cal["x-wr-timezone"]) == "Asia/Bangkok"
    assert "อำเภอเมืองลำปาง" in str(cal["x-wr-calname"])
    assert "refresh-interval" in cal and str(cal["x-published-ttl"]) == "PT12H"
    found = events(cal)
    district_periods = [
        p
        for p in Period.objects.filter(dataset__fiscal_year=2562, dataset__current__isnull=False)
        if "district" in p.dataset.levels
    ]
    assert set(found) == {f"period-{p.pk}-52@khomun" for p in district_periods}
    ours = found[f"period-{savings.pk}-52@khomun"]
    assert ours.decoded("dtstart") == dt.date(2018, 12, 14)  # Lampang's own deadline
    assert ours.decoded("dtend") == dt.date(2018, 12, 15)
    assert str(ours["summary"]).startswith("ครบกำหนดบันทึก ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต งวดที่ 1")
    assert "http" in str(ours["description"]) and "orgunit=5201" in str(ours["description"])
    assert "dtstamp" in ours
    triggers = sorted(a.decoded("trigger") for a in ours.walk("VALARM"))
    assert triggers == [-dt.timedelta(days=7), -dt.timedelta(days=1)]
    assert all(str(a["action"]) == "DISPLAY" and "description" in a for a in ours.walk("VALARM"))
    otop = Period.objects.get(dataset__fiscal_year=2562, dataset__key="otop_sales", number=1)
    assert found[f"period-{otop.pk}-52@khomun"].decoded("dtstart") == otop.due


@time_machine.travel(TODAY)
def test_the_outsiders_feed_holds_only_its_own_units_dates(
    catalog_2562, chaiyaphum_recorder, client_for
):
    from khomun.schedule.calendar_feed import replace_feed

    savings = Period.objects.get(dataset__fiscal_year=2562, dataset__key="savings_groups", number=1)
    ProvinceDeadline.objects.create(
        period=savings, province=OrgUnit.objects.get(code="52"), due=dt.date(2018, 12, 14)
    )
    cal = fetch(client_for(chaiyaphum_recorder), replace_feed(chaiyaphum_recorder))
    text = cal.to_ical().decode()
    assert "ลำปาง" not in text and "5201" not in text and "-52@khomun" not in text
    assert events(cal)[f"period-{savings.pk}-36@khomun"].decoded("dtstart") == savings.due


def test_an_unknown_or_revoked_token_is_404(catalog_2562, lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    assert client.get("/schedule/calendar/nope.ics").status_code == 404
    client.post("/schedule/calendar/new/")
    old = CalendarFeed.objects.get(user=lampang_recorder)
    assert client.get(feed_path(old)).status_code == 200
    client.post("/schedule/calendar/new/")  # replace: the old address stops working
    new = CalendarFeed.objects.get(user=lampang_recorder, revoked_at__isnull=True)
    assert new.token != old.token
    assert client.get(feed_path(old)).status_code == 404
    assert client.get(feed_path(new)).status_code == 200
    client.post("/schedule/calendar/revoke/")
    assert client.get(feed_path(new)).status_code == 404


def test_a_disabled_users_feed_is_404(catalog_2562, lampang_recorder, client_for):
    from khomun.schedule.calendar_feed import replace_feed

    feed = replace_feed(lampang_recorder)
    lampang_recorder.is_active = False
    lampang_recorder.save()
    assert client_for(lampang_recorder).get(feed_path(feed)).status_code == 404


def test_the_page_shows_the_absolute_address(catalog_2562, lampang_recorder, client_for, settings):
    settings.SITE_URL = "https://khomun.example"
    client = client_for(lampang_recorder)
    assert "สร้างลิงก์ปฏิทิน" in client.get("/schedule/calendar/").content.decode()
    client.post("/schedule/calendar/new/")
    feed = CalendarFeed.objects.get(user=lampang_recorder)
    html = client.get("/schedule/calendar/").content.decode()
    assert f"https://khomun.example/schedule/calendar/{feed.token}.ics" in html


def test_the_page_needs_a_login(client):
    response = client.get("/schedule/calendar/")
    assert response.status_code == 302
