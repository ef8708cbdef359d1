"""With Redis, a signed-in page reads its session from Redis; the database keeps every
session, so nothing is lost when Redis forgets, and a log-out ends the session for
every worker."""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def session_queries(queries):
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_page_reads_the_session_from_redis_and_the_database_keeps_it(
    redis_url, lampang_recorder, client_for
):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    client = client_for(lampang_recorder)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    assert session_queries(queries) == []

    cache.delete(SessionStore(key).cache_key)  # Redis forgot it: still signed in, from the database
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    assert session_queries(queries)


def test_a_log_out_ends_the_session_in_redis_too(redis_url, lampang_recorder, client_for):
    client = client_for(lampang_recorder)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code in (200, 302)
    again = Client()
    again.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie, as another tab
    response = again.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_page_reads_its_user_in_one_query_and_an_inactive_user_is_signed_out(
    lampang_recorder, client_for
):
    client = client_for(lampang_recorder)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    users = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(users) == 1
    type(lampang_recorder).objects.filter(pk=lampang_recorder.pk).update(is_active=False)
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_backend_finds_no_user_for_an_id_that_is_not_one(lampang_recorder):
    from khomun.accounts.backends import AccountBackend

    backend = AccountBackend()
    assert backend.get_user(str(lampang_recorder.pk)).username == lampang_recorder.username
    for bad in ("", "abc", None, "99999999999999999999999", str(lampang_recorder.pk + 999)):
        assert backend.get_user(bad) is None
