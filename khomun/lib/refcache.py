"""Reference data kept in each worker process between requests.

Org units, datasets, their periods and versions, province deadlines, users' roles and
API tokens change a few times a year; records change all day. Reading the former again on every
request cost one ORM query each, 1 to 2 ms of Python apiece, a third of a save's time.
A worker keeps them instead and drops them all when the generation token in the
database has changed:

- every save or delete of a watched model (`watch`, from each app's `ready`) and every
  bulk write that bypasses signals (`changed`) writes a new random token, in the
  writer's transaction: other workers see it when the change is committed, a rolled
  back change leaves the old token; the writing request keeps nothing more (what it
  reads may yet be rolled back);
- a request reads the token once, with the first lookup it makes (one raw query).

Outside a request (commands, queue tasks) nothing is kept: `lookup` loads.

A worker therefore never serves reference data older than the start of its request.
What `lookup` returns is shared by every request of the process: read it, never change
and save it (load a fresh copy for that).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

MAX_ENTRIES = 20_000  # far above what a worker uses; a bound so it can never grow unchecked

_lock = threading.Lock()
_entries: dict[Hashable, tuple[str, Any]] = {}  # key -> (token it was read under, value)
_last_read = ""  # the token this process read last: a new one drops every entry
# .in_request; .token: the token read in the current request, None before its first
# lookup; .wrote: the request changed reference data. Per thread, so a threaded
# worker's requests don't mix.
_request = threading.local()


def lookup(key: Hashable, load: Callable[[], T]) -> T:
    """The value kept under `key`, or `load()` kept for later; None is never kept."""
    if not getattr(_request, "in_request", False) or _request.wrote:
        return load()
    token = _current_token()
    entry = _entries.get(key)
    if entry is not None and entry[0] == token:
        return entry[1]
    value = load()
    if value is not None:
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (token, value)
    return value


def lookup_list(key: Hashable, load: Callable[[], Iterable[T]]) -> list[T]:
    """`lookup` of a list, handed to each caller as a list of its own (to sort or
    extend); the items in it are still shared: read them, never change them."""
    return list(lookup(key, lambda: list(load())))


def changed(**_signal: Any) -> None:
    """Reference data changed (in the current transaction): a new token for everyone."""
    from khomun.lib.models import CacheGeneration

    token = secrets.token_hex(16)
    if not CacheGeneration.objects.filter(pk=1).update(token=token):
        CacheGeneration.objects.update_or_create(pk=1, defaults={"token": token})
    _request.wrote = True
    with _lock:
        _entries.clear()


def watch(*models: type[Model], unless_only: frozenset[str] = frozenset()) -> None:
    """Every save and delete of these models changes the token, but a save that writes
    only fields of `unless_only` (fields nothing kept is read for)."""

    def saved(update_fields: frozenset[str] | None = None, **_signal: Any) -> None:
        if not (update_fields is not None and unless_only and update_fields <= unless_only):
            changed()

    for model in models:
        uid = f"refcache-{model._meta.label}"
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")


def clear() -> None:
    """Forget everything (tests: each starts from a database rolled back under it)."""
    global _last_read
    with _lock:
        _entries.clear()
        _last_read = ""
    _request.token = None
    _request.wrote = False


def _current_token() -> str:
    token: str | None = getattr(_request, "token", None)
    if token is None:
        token = _request.token = _read_token()
    return token


def _read_token() -> str:
    global _last_read
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM lib_cachegeneration WHERE id = 1")
        row = cursor.fetchone()
    token = str(row[0]) if row else ""
    if token != _last_read:
        with _lock:
            _entries.clear()
            _last_read = token
    return token


def _request_started(**_signal: Any) -> None:
    _request.in_request = True
    _request.token = None
    _request.wrote = False


def _request_finished(**_signal: Any) -> None:
    _request.in_request = False
    _request.token = None


def connect_request_signals() -> None:
    request_started.connect(_request_started, dispatch_uid="refcache-request-started")
    request_finished.connect(_request_finished, dispatch_uid="refcache-request-finished")
