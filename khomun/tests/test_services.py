"""The real servers: under CI (KHOMUN_REQUIRE_SERVICES) PostgreSQL and Redis must be used."""

import os

import pytest
from django.core.cache import cache
from django.db import connection


def test_the_cache_is_redis_when_configured(redis_url):
    import redis

    cache.set("khomun-probe", "ok", 30)
    client = redis.Redis.from_url(redis_url)
    keys = client.keys("*khomun-probe*")
    assert keys, "the value did not reach Redis"
    assert cache.get("khomun-probe") == "ok"
    cache.delete("khomun-probe")


@pytest.mark.django_db
def test_the_database_is_the_one_configured():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select version()")
            assert "PostgreSQL" in cursor.fetchone()[0]


@pytest.mark.django_db
def test_subtree_queries_can_use_the_path_index():
    if connection.vendor != "postgresql":
        pytest.skip("the varchar_pattern_ops index exists only on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("set enable_seqscan = off")
        cursor.execute("explain select id from orgunits_orgunit where path like %s", ["TH/52/%"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("set enable_seqscan = on")
    assert "Index Cond" in plan and "~>=~" in plan, plan  # a prefix range scan on the index
