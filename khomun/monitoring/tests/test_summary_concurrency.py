"""Stored figures under concurrent transactions (PostgreSQL, each party on a connection
of its own): a reader building a period's rows while a writer holds some never
deadlocks with it, and a reader storing recounted figures does not wait for a writer
that holds one of the rows (its bump makes that count stale anyway).

The deadline-day load test found the first: two pages building the same periods at
once inserted the rows in whatever order the count returned them."""

import threading
import time

import pytest
from django.db import connection, transaction

from khomun.lib.tests.threads import InThread
from khomun.monitoring import summary
from khomun.monitoring.completeness import figures_by_prefix, figures_by_prefix_live
from khomun.monitoring.models import AreaFigures
from khomun.monitoring.tests.conftest import make_groups, record_group, savings_period
from khomun.monitoring.tests.test_summary import nonzero
from khomun.orgunits.models import OrgUnit

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

AREA = "TH/52/5201/"


def wait_until_someone_waits_for_a_lock(seconds=10.0):
    """Poll until another backend of this database waits for a row or transaction lock."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("nobody waited for a lock")


@pytest.fixture
def two_periods(catalog_2562, lampang_recorder):
    for group in make_groups(lampang_recorder, "5201", 2):
        record_group(lampang_recorder, group)
    return sorted([savings_period(1), savings_period(2)], key=lambda p: p.pk)


def test_a_reader_building_the_figures_and_a_writer_never_deadlock(two_periods):
    first, second = two_periods
    country = OrgUnit.objects.get(level="country")
    summary.forget_all()  # the reader builds every row; the writer's rows are new ones
    writer_has_one_row = threading.Event()
    reader_waits = threading.Event()

    def writer():
        # Takes (first, AREA), then, while the reader builds, (second, AREA): the
        # order `touch` keeps. A reader inserting in another order (the second
        # period's rows first) would hold (second, AREA) and wait for the first: a cycle.
        with transaction.atomic():
            summary.touch([(first.pk, AREA)])
            writer_has_one_row.set()
            assert reader_waits.wait(10)
            summary.touch([(second.pk, AREA)])

    def reader():
        assert writer_has_one_row.wait(10)
        # The periods in the order least like the rows' own, as a page may pass them.
        return figures_by_prefix([second, first], country, 11)

    writing = InThread(writer)
    reading = InThread(reader)
    try:
        wait_until_someone_waits_for_a_lock()
    finally:
        reader_waits.set()
        writing.join(30)
        reading.join(30)
    assert writing.error is None, writing.error
    assert reading.error is None, reading.error
    assert reading.result[first.pk][AREA].recorded == 2
    stored = figures_by_prefix([first, second], country, 11)
    assert nonzero(stored) == nonzero(figures_by_prefix_live([first, second], country, 11))


def test_a_reader_storing_a_recount_skips_a_row_a_writer_holds(two_periods, lampang_recorder):
    first, second = two_periods
    country = OrgUnit.objects.get(level="country")
    figures_by_prefix(two_periods, country, 11)  # built
    summary.touch([(first.pk, AREA)])  # stale (committed): the next read recounts it
    holding = threading.Event()
    release = threading.Event()

    def writer():
        with transaction.atomic():
            summary.touch([(first.pk, AREA)])
            holding.set()
            assert release.wait(30)

    writing = InThread(writer)
    try:
        assert holding.wait(10)
        with connection.cursor() as cursor:
            # Waiting for the writer's lock would fail here instead of hanging.
            cursor.execute("SET lock_timeout = '2s'")
        try:
            figures = figures_by_prefix(two_periods, country, 11)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        writing.join(30)
    assert writing.error is None, writing.error
    assert figures[first.pk][AREA].recorded == 2  # counted live, as the row was stale
    row = AreaFigures.objects.get(period=first, area=AREA)
    assert row.built_version != row.version  # not stored over the writer's bump
    stored = figures_by_prefix(two_periods, country, 11)
    assert nonzero(stored) == nonzero(figures_by_prefix_live(two_periods, country, 11))
