"""An import through a real Celery worker (`khomun worker`) on Redis and PostgreSQL.

The PostgreSQL run of `make test` (always under CI) runs this; SQLite's test
database lives in memory and cannot be shared with a worker process.
"""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from khomun.catalog.services import load_catalog
from khomun.excel import imports
from khomun.excel.models import ImportJob, ImportState
from khomun.excel.templates import build_template
from khomun.excel.tests.helpers import fill_template
from khomun.lib.thaidate import fiscal_year
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import get_or_create_village
from khomun.records.models import Record

BROKER = "redis://127.0.0.1:6379/14"


@pytest.fixture
def worker(transactional_db, orgtree):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a shared database: this runs on PostgreSQL")
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": BROKER,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "khomun", "worker", "--concurrency=1", "--loglevel=warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from khomun.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = BROKER
    _forget_connections(app)  # pools made earlier point at the default broker
    yield process
    app.conf.task_always_eager = True
    _forget_connections(app)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _forget_connections(app):
    from kombu import pools

    # kombu keeps producer pools per connection in a registry of its own, which outlives
    # app.pool: clear it too, or a later publish takes a closed pool.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _open_savings_period():
    today = timezone.localdate()
    year = fiscal_year(today)
    load_catalog(year, from_year=2562)
    from khomun.schedule.models import Period

    return (
        Period.objects.filter(
            dataset__fiscal_year__in=[year, year + 1],
            dataset__key="savings_groups",
            start__lte=today,
            lock__gte=today,
        )
        .select_related("dataset__current")
        .first()
    )


def test_a_real_worker_stores_an_import(worker, lampang_recorder):
    period = _open_savings_period()
    district = OrgUnit.objects.get(code="5201")
    village = get_or_create_village("520101", 4, "ทุ่งโจ้")
    template = build_template(lampang_recorder, period, district, period.dataset.current.parsed)
    rows = [
        {
            "ชื่อกลุ่มออมทรัพย์เพื่อการผลิต": f"กลุ่มออมทรัพย์ทดสอบคนงาน {n}",
            "หมู่บ้านที่ตั้งกลุ่ม": village.code,
            "สมาชิกชาย": 10,
            "สมาชิกหญิง": 20,
            "จำนวนสมาชิกทั้งหมด": 30,
            "เงินสัจจะสะสมทรัพย์คงเหลือ": 90000,
            "เงินให้สมาชิกกู้คงค้าง": 50000,
        }
        for n in range(1, 4)
    ]
    content = fill_template(template, rows)
    job = imports.start_import(lampang_recorder, period, district, "groups.xlsx", content)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (ImportState.DONE, ImportState.FAILED):
            break
        time.sleep(0.5)
    assert job.state == ImportState.DONE, (job.state, job.message, job.errors, worker.poll())
    assert job.rows_stored == 3
    assert Record.objects.filter(period=period, orgunit=district).count() == 3
    assert ImportJob.objects.get(pk=job.pk).user == lampang_recorder
