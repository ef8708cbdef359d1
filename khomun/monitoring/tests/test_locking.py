"""Locking after the lock date, reopening for one district, and late-but-accepted work."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from khomun.monitoring import approval, completeness, locking
from khomun.monitoring.models import Reopening
from khomun.monitoring.tests.conftest import (
    AFTER_DUE,
    AFTER_LOCK,
    IN_PERIOD,
    make_groups,
    record_group,
    savings_period,
)
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.services import submit_record

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


def unit(code):
    return OrgUnit.objects.get(code=code)


def test_a_period_is_open_until_its_lock_date_and_closed_after(catalog_2562):
    period = savings_period()
    assert locking.is_open_for(period, unit("5201"), IN_PERIOD)
    assert locking.is_open_for(period, unit("5201"), AFTER_DUE)  # late, still open
    assert locking.is_open_for(period, unit("5201"), period.lock)
    assert not locking.is_open_for(period, unit("5201"), period.lock + dt.timedelta(days=1))


def test_the_province_reopens_one_district_for_some_days(catalog_2562, lampang_admin):
    period = savings_period()
    row = locking.reopen(lampang_admin, period, unit("5201"), 3, "น้ำท่วมสำนักงาน", today=AFTER_LOCK)
    assert row.until == AFTER_LOCK + dt.timedelta(days=2)
    assert (row.by, row.reason) == (lampang_admin, "น้ำท่วมสำนักงาน")
    for day in (AFTER_LOCK, row.until):
        assert locking.is_open_for(period, unit("5201"), day)
    assert locking.is_open_for(period, unit("520101"), AFTER_LOCK)  # a subdistrict of it
    assert not locking.is_open_for(period, unit("5201"), row.until + dt.timedelta(days=1))
    assert not locking.is_open_for(period, unit("5202"), AFTER_LOCK)  # another district
    assert not locking.is_open_for(period, unit("52"), AFTER_LOCK)
    assert not locking.is_open_for(savings_period(2), unit("5201"), dt.date(2019, 7, 25))
    assert locking.reopened_until(period, unit("5201"), AFTER_LOCK) == row.until


@pytest.mark.parametrize(
    "who, refusal",
    [
        ("lampang_recorder", PermissionDenied),
        ("district_head", PermissionDenied),
        ("executive", PermissionDenied),
        ("chaiyaphum_recorder", Http404),
        ("chaiyaphum_admin", Http404),
    ],
)
def test_only_the_province_or_department_reopens(catalog_2562, who, refusal, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(refusal):
        locking.reopen(actor, savings_period(), unit("5201"), 3, "เหตุผล", today=AFTER_LOCK)
    assert not Reopening.objects.exists()


def test_the_department_may_reopen_too(catalog_2562, dept_admin):
    locking.reopen(dept_admin, savings_period(), unit("5201"), 1, "ระบบขัดข้อง", today=AFTER_LOCK)
    assert locking.is_open_for(savings_period(), unit("5201"), AFTER_LOCK)


@pytest.mark.parametrize(
    "code, days, reason, today, field",
    [
        ("5201", 0, "เหตุผล", AFTER_LOCK, "days"),
        ("5201", 61, "เหตุผล", AFTER_LOCK, "days"),
        ("5201", 3, "  ", AFTER_LOCK, "reason"),
        ("5201", 3, "เหตุผล", AFTER_DUE, "period"),  # not locked yet
        ("52", 3, "เหตุผล", AFTER_LOCK, "district"),
    ],
)
def test_a_bad_reopening_is_refused_naming_the_field(
    catalog_2562, lampang_admin, code, days, reason, today, field
):
    with pytest.raises(locking.ReopenError) as refused:
        locking.reopen(lampang_admin, savings_period(), unit(code), days, reason, today=today)
    assert list(refused.value.errors) == [field]
    assert not Reopening.objects.exists()


def test_a_late_submission_is_accepted_and_counted_late(catalog_2562, lampang_recorder):
    early, late = make_groups(lampang_recorder, "5201", 2)
    with time_machine.travel(dt.datetime(2018, 12, 20, 16, 30, tzinfo=BANGKOK)):  # the due day
        submit_record(lampang_recorder, record_group(lampang_recorder, early), today=IN_PERIOD)
    record = record_group(lampang_recorder, late)
    with time_machine.travel(dt.datetime(2018, 12, 21, 0, 30, tzinfo=BANGKOK)):  # a day late
        sent = submit_record(lampang_recorder, record, today=AFTER_DUE)
    assert sent.state == RecordState.SUBMITTED
    figures = completeness.for_period(savings_period(), unit("5201")).total
    assert (figures.submitted, figures.on_time, figures.late) == (2, 1, 1)


def test_the_district_submits_after_the_lock_only_when_reopened(
    catalog_2562, lampang_recorder, lampang_admin, district_head
):
    (group,) = make_groups(lampang_recorder, "5201", 1)
    record = record_group(lampang_recorder, group)
    period = savings_period()
    with pytest.raises(approval.LockedError):
        approval.submit_district(district_head, period, unit("5201"), today=AFTER_LOCK)
    locking.reopen(lampang_admin, period, unit("5201"), 2, "ผู้บันทึกลาคลอด", today=AFTER_LOCK)
    done = approval.submit_district(district_head, period, unit("5201"), today=AFTER_LOCK)
    assert [r.pk for r in done.submitted] == [record.pk]
