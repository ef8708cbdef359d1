"""The reference data a worker keeps between requests (khomun.lib.refcache): served
without a query while nothing changed, dropped as soon as anything it holds changed,
whichever worker changed it, and never taken from a change that was rolled back."""

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khomun.accounts.models import ApiToken, RoleAssignment
from khomun.api.tests.test_records import GROUP, JSON, NEW
from khomun.catalog.models import Dataset
from khomun.lib import refcache
from khomun.lib.models import CacheGeneration
from khomun.orgunits.services import get_or_create_village, load_orgunits, unit_by_code
from khomun.schedule.models import Period

BANGKOK = ZoneInfo("Asia/Bangkok")


@contextmanager
def request_scope():
    """What Django signals around every request, without the HTTP; like the test
    client, without closing the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        yield
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def period_lock(number: int = 1) -> dt.date:
    def load():
        return Period.objects.get(
            dataset__fiscal_year=2562, dataset__key="savings_groups", number=number
        )

    return refcache.lookup(("test-period", number), load).lock


def queries(call):
    with CaptureQueriesContext(connection) as context:
        value = call()
    return value, len(context.captured_queries)


def another_worker_writes_a_new_token():
    """Another process changed reference data and committed: only the token tells."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE lib_cachegeneration SET token = 'elsewhere' WHERE id = 1")


def test_a_request_reads_the_token_once_and_then_serves_from_memory(catalog_2562):
    with request_scope():
        first, first_queries = queries(period_lock)
        again, again_queries = queries(period_lock)
    with request_scope():
        later, later_queries = queries(period_lock)
    assert first == again == later
    assert (first_queries, again_queries) == (2, 0)  # the token, then the period
    assert later_queries == 1  # the next request reads the token only


def test_a_change_made_by_another_worker_is_seen_by_the_next_request(catalog_2562):
    with request_scope():
        before = period_lock()
    Period.objects.filter(dataset__fiscal_year=2562, number=1).update(lock=dt.date(2030, 1, 1))
    with request_scope():
        assert period_lock() == before  # an update without the token: still kept
    another_worker_writes_a_new_token()
    with request_scope():
        assert period_lock() == dt.date(2030, 1, 1)


def test_saving_a_watched_model_drops_what_was_kept(catalog_2562):
    with request_scope():
        period_lock()
    period = Period.objects.get(dataset__fiscal_year=2562, dataset__key="savings_groups", number=1)
    period.lock = dt.date(2031, 2, 3)
    period.save()
    with request_scope():
        assert period_lock() == dt.date(2031, 2, 3)


def test_the_writer_reads_its_own_change_and_keeps_nothing_more(catalog_2562):
    with request_scope():
        period_lock()
        period = Period.objects.get(
            dataset__fiscal_year=2562, dataset__key="savings_groups", number=1
        )
        period.lock = dt.date(2032, 1, 1)
        period.save()
        lock, count = queries(period_lock)
        assert lock == dt.date(2032, 1, 1) and count == 1
        _, count = queries(period_lock)
        assert count == 1  # read again: the change may yet be rolled back


def test_a_rolled_back_change_is_never_served(catalog_2562):
    with request_scope():
        original = period_lock()
    with request_scope():
        with pytest.raises(RuntimeError), transaction.atomic():
            period = Period.objects.get(
                dataset__fiscal_year=2562, dataset__key="savings_groups", number=1
            )
            period.lock = dt.date(2033, 1, 1)
            period.save()
            assert period_lock() == dt.date(2033, 1, 1)  # read inside the doomed change
            raise RuntimeError("rolled back")
        assert period_lock() == original
    with request_scope():
        assert period_lock() == original


def test_deleting_a_watched_model_changes_the_token(catalog_2562, lampang_recorder):
    before = CacheGeneration.objects.get(pk=1).token
    RoleAssignment.objects.filter(user=lampang_recorder).delete()
    assert CacheGeneration.objects.get(pk=1).token != before


def test_outside_a_request_nothing_is_kept(catalog_2562):
    first, first_queries = queries(period_lock)
    again, again_queries = queries(period_lock)
    assert first == again and first_queries == again_queries == 1


def test_none_is_never_kept(orgtree):
    with request_scope():
        assert unit_by_code("99999999") is None
        _, count = queries(lambda: unit_by_code("99999999"))
    assert count == 1


def test_loading_the_org_tree_changes_the_token(orgtree):
    before = CacheGeneration.objects.get(pk=1).token
    load_orgunits()
    assert CacheGeneration.objects.get(pk=1).token != before


def test_a_flushed_table_is_refilled_by_the_next_change(orgtree):
    CacheGeneration.objects.all().delete()  # as a transactional test's flush leaves it
    with request_scope():
        assert unit_by_code("5201") is not None
    refcache.changed()
    assert CacheGeneration.objects.get(pk=1).token != ""


# ---------------------------------------------------------------- through the API


@pytest.fixture
def december_2561():
    with time_machine.travel(dt.datetime(2018, 12, 10, 10, 0, tzinfo=BANGKOK), tick=False):
        yield


def test_an_api_save_is_refused_once_the_period_is_locked(
    december_2561, catalog_2562, lampang_recorder, api_client
):
    client = api_client(lampang_recorder)

    def save(name):
        values = {**GROUP, "group_name": name}
        return client.post("/api/v1/records", {**NEW, "values": values}, content_type=JSON)

    # The first save makes the village (a change of the tree): the second is served
    # the period from memory, as every later one would be.
    assert save("กลุ่มที่หนึ่ง").status_code == save("กลุ่มที่สอง").status_code == 201
    period = Dataset.objects.get(fiscal_year=2562, key="savings_groups").periods.get(number=1)
    period.lock = dt.date(2018, 12, 1)  # locked since before today
    period.save()
    refused = save("กลุ่มที่สาม")
    assert refused.status_code == 409
    assert "ปิดรับข้อมูลแล้ว" in refused.json()["message"]


def test_an_api_call_after_a_role_is_taken_away_is_out_of_scope(
    december_2561, catalog_2562, lampang_recorder, api_client, lampang_data
):
    client = api_client(lampang_recorder)
    path = f"/api/v1/records/{lampang_data['lampang_record']}"
    assert client.get(path).status_code == 200
    RoleAssignment.objects.filter(user=lampang_recorder).delete()
    assert client.get(path).status_code == 404


def test_a_token_revoked_after_use_is_refused_at_the_next_call(lampang_recorder, api_client):
    client = api_client(lampang_recorder)
    assert client.get("/api/v1/me").status_code == client.get("/api/v1/me").status_code == 200
    token = ApiToken.objects.get(user=lampang_recorder)
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/v1/me").status_code == 401


def test_an_account_deactivated_after_use_loses_api_access_at_once(lampang_recorder, api_client):
    client = api_client(lampang_recorder)
    assert client.get("/api/v1/me").status_code == client.get("/api/v1/me").status_code == 200
    lampang_recorder.is_active = False
    lampang_recorder.save()
    assert client.get("/api/v1/me").status_code == 401


def test_each_call_gets_its_own_user_and_last_use_is_written_once_a_minute(
    lampang_recorder, api_client
):
    client = api_client(lampang_recorder)
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=BANGKOK), tick=False):
        assert client.get("/api/v1/me").status_code == 200
        with CaptureQueriesContext(connection) as context:
            assert client.get("/api/v1/me").json()["username"] == lampang_recorder.username
        assert not any("last_used_at" in q["sql"] for q in context.captured_queries)
    first = ApiToken.objects.get(user=lampang_recorder).last_used_at
    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 2, tzinfo=BANGKOK), tick=False):
        assert client.get("/api/v1/me").status_code == 200
    assert ApiToken.objects.get(user=lampang_recorder).last_used_at - first == dt.timedelta(
        minutes=2
    )
    # The language chosen on one call's user object never leaks into the next call's.
    lampang_recorder.refresh_from_db()
    assert lampang_recorder.language == "th"


def test_villages_are_read_not_kept(orgtree):
    village = get_or_create_village("520101", 3, "บ้านทดสอบ")
    with request_scope():
        unit_by_code("5201")
        _, district_queries = queries(lambda: unit_by_code("5201"))
        unit_by_code(village.code)
        _, village_queries = queries(lambda: unit_by_code(village.code))
    assert (district_queries, village_queries) == (0, 1)


def test_a_log_in_keeps_the_token_a_language_change_does_not(lampang_recorder):
    before = CacheGeneration.objects.get(pk=1).token
    Client().force_login(lampang_recorder)  # writes last_login
    lampang_recorder.refresh_from_db()
    assert lampang_recorder.last_login is not None
    assert CacheGeneration.objects.get(pk=1).token == before
    lampang_recorder.language = "en"
    lampang_recorder.save(update_fields=["language"])
    assert CacheGeneration.objects.get(pk=1).token != before


def test_a_years_periods_and_a_units_districts_are_kept_until_they_change(catalog_2562):
    """Every monitoring page reads them: kept, each caller with a list of its own, and
    read again once a period or a unit has changed."""
    from khomun.monitoring.completeness import child_units
    from khomun.orgunits.models import OrgUnit
    from khomun.schedule.services import periods_for_year

    lampang = OrgUnit.objects.get(code="52")
    with request_scope():
        periods_for_year(2562).clear()  # a caller's own list: clearing it changes nothing
        child_units(lampang).clear()
        periods, period_queries = queries(lambda: periods_for_year(2562))
        districts, district_queries = queries(lambda: child_units(lampang))
    assert (period_queries, district_queries) == (0, 0)
    assert periods and [d.code for d in districts][:2] == ["5201", "5202"]
    first = periods[0]
    first.note_th = "เลื่อนกำหนด"
    first.save()
    district = OrgUnit.objects.get(code="5202")
    district.has_cdd_office = False
    district.save()
    with request_scope():
        assert periods_for_year(2562)[0].note_th == "เลื่อนกำหนด"
        assert "5202" not in [d.code for d in child_units(lampang)]
