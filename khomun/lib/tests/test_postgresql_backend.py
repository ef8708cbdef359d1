"""`lib.postgresql`: a kept connection is checked before a request only after it sat
idle, and a connection the server dropped meanwhile is replaced, not used."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's back end"),
    pytest.mark.django_db(transaction=True),
]


def request_edge():
    """What Django runs as a request starts or finishes."""
    connection.close_if_unusable_or_obsolete()


def one_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def checks(monkeypatch):
    made = []
    is_usable = connection.is_usable

    def counted():
        made.append(1)
        return is_usable()

    monkeypatch.setattr(connection, "is_usable", counted)
    return made


def test_the_engine_is_ours_with_health_checks_on():
    assert settings.DATABASES["default"]["ENGINE"] == "khomun.lib.postgresql"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_connection_used_a_moment_ago_is_not_checked_again(checks):
    one_query()
    request_edge()  # a request starts after a long idle time: checked
    one_query()
    assert len(checks) == 1
    request_edge()  # it ends
    request_edge()  # the next one starts at once: not checked
    one_query()
    assert len(checks) == 1
    request_edge()
    connection._last_request_edge -= 10  # ten seconds pass
    request_edge()
    one_query()
    assert len(checks) == 2


def test_a_connection_dropped_while_idle_is_replaced(checks):
    pid = one_query()
    request_edge()
    with psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user="postgres",
        host=connection.settings_dict["HOST"] or None,
        port=connection.settings_dict["PORT"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection._last_request_edge -= 10
    request_edge()
    assert one_query() != pid  # a new connection, not an error
    assert len(checks) == 1
