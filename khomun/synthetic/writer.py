"""Fast bulk writing of villages, subjects and records, below the ORM.

PostgreSQL gets `COPY ... FROM STDIN` through psycopg's `cursor.copy()`; SQLite
gets `executemany` inside the one transaction of the run. Ids are handed out here
in one block per table (from the current maximum), so that records can name their
subjects without reading anything back; the tables are locked while the run lasts
and the id sequences are moved past the block at the end.

For a large run on PostgreSQL (`bulk=True`), the secondary indexes and the foreign
keys of the two tables are dropped first and made again at the end, in the same
transaction: building an index once is much faster than keeping ten of them up to
date row by row, and re-adding a foreign key checks it in one join instead of one
deferred trigger per row.

Timestamps come in as (date ordinal, seconds after local midnight) in office hours,
Asia/Bangkok; SQLite stores them the way Django does (UTC, naive text).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from django.db import connection
from psycopg.copy import QueuedLibpqWriter

Row = Sequence[Any]
Stamp = tuple[int, int]  # (date ordinal, seconds after local midnight)

SUBJECT_COLUMNS = (
    "id",
    "kind",
    "name",
    "orgunit_id",
    "orgunit_path",
    "national_id",
    "attributes",
    "active_from",
    "dissolved_on",
    "search_text",
    "created_at",
    "updated_at",
)
RECORD_COLUMNS = (
    "id",
    "dataset_version_id",
    "period_id",
    "orgunit_id",
    "orgunit_path",
    "subject_id",
    "values",
    "state",
    "complete",
    "version",
    "return_comment",
    "created_at",
    "updated_at",
    "submitted_at",
)
VILLAGE_COLUMNS = ("code", "name_th", "name_en", "level", "parent_id", "path", "has_cdd_office")
TABLES = {"subject": "records_subject", "record": "records_record"}
BANGKOK_OFFSET = 7 * 3600
FLUSH_ROWS = 20_000
NULL = "\\N"


@cache
def clock(seconds: int) -> str:
    """HH:MM:SS of seconds after midnight (a few thousand distinct values: cached)."""
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Writer:
    """Collects rows and writes them in large batches; subclasses talk to one database."""

    def __init__(self, bulk: bool = False) -> None:
        self.bulk = bulk
        self.buffers: dict[str, list[Any]] = {"subject": [], "record": []}
        self.next_ids: dict[str, int] = {}
        self.first_ids: dict[str, int] = {}
        self.counts: dict[str, int] = {"subject": 0, "record": 0}
        self._days: dict[int, str] = {}

    # -- ids and rows

    def start(self) -> None:
        """Lock the tables and find where the id blocks begin."""
        self.lock()
        for name, table in TABLES.items():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
                first = int(cursor.fetchone()[0]) + 1
            self.next_ids[name] = self.first_ids[name] = first

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, row: Row) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= FLUSH_ROWS:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.buffers):
            rows = self.buffers[name]
            if rows:
                self.write(name, rows)
                self.counts[name] += len(rows)
                self.buffers[name] = []

    def finish(self) -> None:
        self.flush()
        for name, table in TABLES.items():
            if self.next_ids[name] > self.first_ids[name]:
                self.move_sequence(table, self.next_ids[name] - 1)

    def last_id(self, table: str) -> int:
        return self.next_ids[table] - 1

    def record(
        self,
        version_id: int,
        period_id: int,
        unit_id: int,
        path: str,
        subject_id: int | None,
        values: dict[str, Any],
        state: str,
        complete: bool,
        version: int,
        comment: str,
        created: Stamp,
        updated: Stamp,
        submitted: Stamp | None,
    ) -> None:
        """One record row (RECORD_COLUMNS), with a new id."""
        self.add(
            "record",
            (
                self.new_id("record"),
                version_id,
                period_id,
                unit_id,
                path,
                subject_id,
                self.json(values),
                state,
                complete,
                version,
                comment,
                self.stamp(created),
                self.stamp(updated),
                self.stamp(submitted),
            ),
        )

    # -- encodings shared by both databases

    def day(self, ordinal: int) -> str:
        text = self._days.get(ordinal)
        if text is None:
            text = self._days[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def json(self, value: Any) -> str:
        raise NotImplementedError

    def stamp(self, value: Stamp | None) -> str | None:
        raise NotImplementedError

    # -- database specific

    def lock(self) -> None:
        raise NotImplementedError

    def write(self, table: str, rows: list[Row]) -> None:
        raise NotImplementedError

    def move_sequence(self, table: str, last: int) -> None:
        """After explicit ids, the next id the app takes must come after them."""

    def insert_villages(self, rows: Sequence[Row]) -> None:
        raise NotImplementedError

    def prepare_bulk(self) -> None:
        """Drop what slows a bulk load (nothing by default)."""

    def restore_bulk(self) -> None:
        """Make again what `prepare_bulk` dropped."""


class SqliteWriter(Writer):
    """`executemany` in the run's transaction; JSON and datetimes as Django stores them."""

    def json(self, value: Any) -> str:
        return json.dumps(value)  # what Django's JSONField writes on SQLite

    def stamp(self, value: Stamp | None) -> str | None:
        if value is None:
            return None
        ordinal, seconds = value
        # Office hours in Bangkok: the UTC time falls on the same day.
        return f"{self.day(ordinal)} {clock(seconds - BANGKOK_OFFSET)}"

    def lock(self) -> None:
        """SQLite has one writer at a time: the run's transaction is the lock."""

    def write(self, table: str, rows: list[Row]) -> None:
        columns = SUBJECT_COLUMNS if table == "subject" else RECORD_COLUMNS
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {TABLES[table]} ({names}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.cursor.executemany(sql, rows)  # the raw cursor: no per-row formatting

    def insert_villages(self, rows: Sequence[Row]) -> None:
        names = ", ".join(VILLAGE_COLUMNS)
        marks = ", ".join("?" for _ in VILLAGE_COLUMNS)
        with connection.cursor() as cursor:
            cursor.cursor.executemany(
                f"INSERT INTO orgunits_orgunit ({names}) VALUES ({marks})",  # noqa: S608
                rows,
            )


def _copy_text(value: Any) -> str:
    """One field of COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class PostgresWriter(Writer):
    """`COPY ... FROM STDIN` in batches; optional index and foreign-key rebuild."""

    def __init__(self, bulk: bool = False) -> None:
        super().__init__(bulk)
        self.dropped: list[str] = []
        self._stream: Any = None  # (cursor, copy context, copy) of the open records COPY

    def finish(self) -> None:
        self.flush()
        self._end_stream()
        super().finish()

    def json(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def stamp(self, value: Stamp | None) -> str | None:
        if value is None:
            return None
        ordinal, seconds = value
        return f"{self.day(ordinal)} {clock(seconds)}+07"

    def record(
        self,
        version_id: int,
        period_id: int,
        unit_id: int,
        path: str,
        subject_id: int | None,
        values: dict[str, Any],
        state: str,
        complete: bool,
        version: int,
        comment: str,
        created: Stamp,
        updated: Stamp,
        submitted: Stamp | None,
    ) -> None:
        """The record as a line of COPY's text format, made at once (the hot path)."""
        record_id = self.next_ids["record"]
        self.next_ids["record"] = record_id + 1
        encoded = self.json(values)
        if "\\" in encoded:
            encoded = _copy_text(encoded)
        stamp = self.stamp
        line = (
            f"{record_id}\t{version_id}\t{period_id}\t{unit_id}\t{path}\t"
            f"{NULL if subject_id is None else subject_id}\t{encoded}\t{state}\t"
            f"{'t' if complete else 'f'}\t{version}\t{_copy_text(comment)}\t{stamp(created)}\t"
            f"{stamp(updated)}\t{NULL if submitted is None else stamp(submitted)}\n"
        )
        buffer = self.buffers["record"]
        buffer.append(line)
        if len(buffer) >= FLUSH_ROWS:
            self.flush("record")

    def lock(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE records_subject, records_record IN SHARE ROW EXCLUSIVE MODE")

    def write(self, table: str, rows: list[Any]) -> None:
        if table == "record":  # lines made by `record`
            self._stream_records("".join(rows).encode())
        else:
            self._copy(TABLES[table], SUBJECT_COLUMNS, rows)

    def _stream_records(self, data: bytes) -> None:
        """All records go through one COPY kept open: PostgreSQL stores a batch while
        the next one is made, and a writer thread sends it (psycopg's queued writer)."""
        if self._stream is None:
            names = ", ".join(f'"{c}"' for c in RECORD_COLUMNS)
            cursor = connection.cursor()
            raw = cursor.cursor
            context = raw.copy(
                f"COPY {TABLES['record']} ({names}) FROM STDIN", writer=QueuedLibpqWriter(raw)
            )
            self._stream = (cursor, context, context.__enter__())
        self._stream[2].write(data)

    def _end_stream(self) -> None:
        if self._stream is not None:
            cursor, context, _copy = self._stream
            self._stream = None
            context.__exit__(None, None, None)
            cursor.close()

    def insert_villages(self, rows: Sequence[Row]) -> None:
        self._copy("orgunits_orgunit", VILLAGE_COLUMNS, rows)

    def _copy(self, table: str, columns: Iterable[str], rows: Sequence[Row]) -> None:
        self._copy_data(
            table, columns, "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
        )

    def _copy_data(self, table: str, columns: Iterable[str], data: str) -> None:
        self._end_stream()  # one COPY at a time on a connection
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f"COPY {table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            copy.write(data.encode())

    def move_sequence(self, table: str, last: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "GREATEST(%s, (SELECT COALESCE(MAX(id), 1) FROM " + table + ")))",
                [table, last],
            )

    # -- bulk mode

    def prepare_bulk(self) -> None:
        """Drop the foreign keys and every index but the primary key, remembering how
        to make each again."""
        with connection.cursor() as cursor:
            # Deferred checks still queued (the catalog just loaded) block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for table in TABLES.values():
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') "
                    "ORDER BY contype DESC, conname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                    self.dropped.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
                    "AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{name}"')
                    # Indexes first, then unique constraints, then the foreign keys.
                    self.dropped.insert(0, definition)

    def restore_bulk(self) -> None:
        with connection.cursor() as cursor:
            for statement in self.dropped:
                cursor.execute(statement)
            self.dropped = []
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in TABLES.values():
                cursor.execute(f"ANALYZE {table}")


def writer_for_connection(bulk: bool) -> Writer:
    if connection.vendor == "postgresql":
        return PostgresWriter(bulk)
    if connection.vendor == "sqlite":
        return SqliteWriter(bulk)
    raise RuntimeError(f"ไม่รองรับฐานข้อมูล {connection.vendor}")
