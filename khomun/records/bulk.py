"""New records in bulk, for imports: the same rows, fields and history as `save_record`.

`save_record` costs about ten small queries and a Thai word segmentation per new
row (100-200 rows a second). An import that has already checked every row against
preloaded subjects and records needs none of that per row: here every rule of the
per-row path runs once per distinct thing (office, area code, referenced subject,
name part), the duplicate checks are one query for the whole file plus the rows
before in the file, values the import has already validated are not validated
again, and subjects, records and their `Change` rows are written in batches (COPY on
PostgreSQL, `bulk_create` elsewhere). It reuses the service's own rule functions,
so the two cannot drift; `khomun/excel/tests/test_bulk_store.py` compares what both
write for the same rows, on SQLite and on PostgreSQL.

Only new records: a new subject with its record, or a record for a subject that has
none in the period. Changes of existing records (optimistic locking, before/after
history) stay with `save_record`. The caller runs this inside its transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _
from pythainlp.tokenize import subword_tokenize

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition
from khomun.catalog.validation import ValidationResult, validate_values
from khomun.monitoring import summary
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import ChangeAction, Entity
from khomun.records.models import Change, Record, Subject
from khomun.records.services import (
    SYLLABLE_MARK,
    DuplicateSubject,
    RecordError,
    _already_there,
    _check_open,
    _check_references,
    _check_subject,
    _definition_for,
    _lang,
    _office_of,
    _place_subject_unit,
    _resolve_unit,
    _subject_snapshot,
    _unit_for,
    _words,
    clean_national_id,
    compact_name,
    new_subject,
    subject_identity,
)
from khomun.schedule.models import Period

BATCH_SIZE = 2000


@dataclass
class NewRow:
    """One row of a file that makes a record: for `subject`, or for a new subject."""

    row: int
    values: dict[str, Any]
    subject: Subject | None = None
    # What `validate_values` gave for `values` against the definition of the period's
    # current version, when the caller already ran it (the import's check phase):
    # cleaned values clean to themselves, so running it again could only repeat it.
    checked: ValidationResult | None = None


class BulkRowError(Exception):
    """`error` is what `save_record` would have raised for the file's row `row`."""

    def __init__(self, row: int, error: RecordError) -> None:
        super().__init__(error.message)
        self.row = row
        self.error = error


class SearchText:
    """`services.tokens` with the segmentation cached per name part and per word:
    a file of 100,000 names has far fewer distinct parts. Spaces separate words in
    the segmenter too, so the result is the same (checked by the tests)."""

    def __init__(self) -> None:
        self.part_words: dict[str, list[str]] = {}
        self.word_parts: dict[str, list[str]] = {}

    def __call__(self, text: str) -> str:
        words: list[str] = []
        for part in (text or "").split():
            if _is_number(part):
                words.append(part)
                continue
            if part not in self.part_words:
                self.part_words[part] = _words(part)
            words.extend(self.part_words[part])
        syllables: list[str] = []
        for word in words:
            if _is_number(word):
                continue
            if word not in self.word_parts:
                found = subword_tokenize(word, engine="dict")
                self.word_parts[word] = [p.strip() for p in found if p.strip()]
            parts = self.word_parts[word]
            if len(parts) > 1:
                syllables.extend(p for p in parts if p not in syllables)
        text_words = " ".join(words)
        return f"{text_words} {SYLLABLE_MARK} {' '.join(syllables)}" if syllables else text_words


def _is_number(text: str) -> bool:
    """Plain digits ("หมู่ 3", "กลุ่มที่ 1024"): one word of no syllables to the
    segmenter, and a different one in nearly every name, so never worth caching."""
    return text.isascii() and text.isdigit()


class _Cache:
    """Each per-row rule of `save_record`, run once per distinct argument."""

    def __init__(self, actor: Any, defn: DatasetDefinition, period: Period, today: dt.date):
        self.actor, self.defn, self.period, self.today = actor, defn, period, today
        self.units: dict[str, OrgUnit | None] = {}
        self.offices: dict[tuple[int, int], OrgUnit] = {}
        self.allowed: set[int] = set()
        self.references: set[tuple[str, Any]] = set()
        self.reference_keys = [f.key for f in defn.fields if f.type in ("orgunit", "subject")]

    def preload_units(self, rows: list[NewRow]) -> None:
        """The units of the area codes in `rows`, a thousand codes a query, for
        `resolve` (which still makes, one by one, the villages not there yet)."""
        keys = [f.key for f in self.defn.fields if f.type == "orgunit"]
        codes = {r.values[k] for r in rows for k in keys if isinstance(r.values.get(k), str)}
        for chunk in _chunks(sorted(codes)):
            for unit in OrgUnit.objects.filter(code__in=chunk):
                self.units[unit.code] = unit

    def resolve(self, code: str) -> OrgUnit | None:
        if code not in self.units:
            self.units[code] = _resolve_unit(code)
        return self.units[code]

    def office(self, subject: Subject | None, unit: OrgUnit) -> OrgUnit:
        """`save_record`'s unit of a new record, opened and allowed once per office."""
        key = (subject.orgunit_id if subject is not None else 0, unit.pk)
        if key not in self.offices:
            office = _office_of(_unit_for(None, subject, unit))
            self.require_record(office)
            _check_open(self.period, None, self.today, office)
            self.offices[key] = office
        return self.offices[key]

    def require_record(self, unit: OrgUnit) -> None:
        if unit.pk not in self.allowed:
            policy.require_record(self.actor, unit)
            self.allowed.add(unit.pk)

    def check_references(self, values: dict[str, Any]) -> None:
        for key in self.reference_keys:
            value = values.get(key)
            if value is not None and (key, value) not in self.references:
                _check_references(self.actor, self.defn, {key: value})
                self.references.add((key, value))


@dataclass
class _Planned:
    row: NewRow
    values: dict[str, Any]
    complete: bool
    office: OrgUnit
    subject: Subject


def create_records(
    actor: Any,
    period: Period,
    unit: OrgUnit,
    rows: list[NewRow],
    *,
    today: dt.date,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Store `rows` as `save_record(actor, period, values, subject=..., orgunit=unit)`
    would, row after row; BulkRowError for the first row it would refuse. Returns
    the number of records made."""
    version, defn = _definition_for(None, period.dataset)
    cache = _Cache(actor, defn, period, today)
    search_text = SearchText()
    duplicates = _Duplicates(actor, defn, rows)
    # The places new subjects are likely to sit in, read in a few queries, not one each.
    cache.preload_units(rows)
    duplicates.load_places(unit.pk for unit in cache.units.values() if unit is not None)
    planned: list[_Planned] = []
    for row in rows:
        try:
            planned.append(_plan(cache, defn, duplicates, search_text, unit, row))
        except RecordError as exc:
            raise BulkRowError(row.row, exc) from None
    _refuse_existing_records(period, planned)
    who = actor if getattr(actor, "pk", None) else None
    done = 0
    new_places = {p.subject.orgunit_path for p in planned if p.subject.pk is None}
    for start in range(0, len(planned), BATCH_SIZE):
        batch = planned[start : start + BATCH_SIZE]
        _write(actor, who, version, period, batch)
        done += len(batch)
        if progress is not None:
            progress(done)
    # The completeness figures these rows change, marked once at the end: the marks
    # hold their rows until the import commits, so as late as possible.
    if defn.subject is not None:
        summary.touch_kind(defn.subject.kind, new_places)
    summary.touch(
        (period.pk, path) for p in planned for path in (p.office.path, p.subject.orgunit_path)
    )
    return done


def _plan(
    cache: _Cache,
    defn: DatasetDefinition,
    duplicates: _Duplicates,
    search_text: SearchText,
    unit: OrgUnit,
    row: NewRow,
) -> _Planned:
    """The checks of `save_record` for one row, in its order."""
    office = cache.office(row.subject, unit)
    if row.subject is not None:
        _check_subject(defn, row.subject, cache.period)
    result = row.checked
    if result is None:
        result = validate_values(defn, row.values, lang=_lang(cache.actor))
    if result.errors:
        raise RecordError(_("ข้อมูลไม่ถูกต้อง โปรดแก้ไขช่องที่แจ้ง"), result.errors)
    values = dict(result.cleaned)
    cache.check_references(values)
    subject = row.subject
    if subject is None:
        subject = _new_subject(cache, defn, duplicates, search_text, office, values)
    return _Planned(row, values, result.complete, office, subject)


def _new_subject(
    cache: _Cache,
    defn: DatasetDefinition,
    duplicates: _Duplicates,
    search_text: SearchText,
    office: OrgUnit,
    values: dict[str, Any],
) -> Subject:
    """`subject_from_values` + `create_subject`, without writing."""
    assert defn.subject is not None
    name, national_id, attributes = subject_identity(defn, values)
    place = _place_subject_unit(defn, values, office, resolve=cache.resolve)
    cache.require_record(place)
    subject = new_subject(
        cache.actor,
        kind=defn.subject.kind,
        orgunit=place,
        name=name,
        national_id=national_id,
        attributes=attributes,
        search_text=search_text,
    )
    duplicates.refuse(subject)
    return subject


class _Duplicates:
    """`find_duplicate` for every new subject: live subjects read once per national ID
    chunk and once per place, plus the new subjects of the rows before (as if those
    were already saved, which is what the per-row path would see)."""

    def __init__(self, actor: Any, defn: DatasetDefinition, rows: list[NewRow]) -> None:
        self.actor = actor
        self.identity = [f for f in defn.fields if f.identity]
        self.by_national_id: dict[str, Subject] = {}
        self.by_name: dict[tuple[str, int], Subject] = {}
        self.places: set[int] = set()
        self.live = Subject.objects.filter(
            kind=defn.subject.kind if defn.subject is not None else "",
            merged_into__isnull=True,
        ).select_related("orgunit")
        ids = {
            _clean_or_blank(str(r.values.get(f.key)))
            for r in rows
            if r.subject is None
            for f in self.identity
            if f.type == "national_id" and r.values.get(f.key)
        } - {""}
        for chunk in _chunks(sorted(ids)):
            for s in self.live.filter(national_id__in=chunk):
                self.by_national_id.setdefault(s.national_id, s)

    def load_places(self, place_ids: Iterable[int]) -> None:
        """The live subjects of places not read yet, a thousand places a query."""
        for chunk in _chunks(sorted(set(place_ids) - self.places)):
            for s in self.live.filter(orgunit_id__in=chunk).order_by("pk"):
                self.by_name.setdefault((compact_name(s.name), s.orgunit_id), s)
            self.places.update(chunk)

    def _load_place(self, place_id: int) -> None:
        if place_id not in self.places:
            self.load_places([place_id])

    def refuse(self, subject: Subject) -> None:
        """Raise what `_refuse_duplicate` + `subject_from_values` raise, else remember it."""
        self._load_place(subject.orgunit_id)
        existing = self.by_national_id.get(subject.national_id) if subject.national_id else None
        hard = existing is not None
        name_key = (compact_name(subject.name), subject.orgunit_id)
        if existing is None:
            existing = self.by_name.get(name_key)
        if existing is None:
            if subject.national_id:
                self.by_national_id[subject.national_id] = subject
            self.by_name.setdefault(name_key, subject)
            return
        if hard:
            visible = policy.can_view(self.actor, existing.orgunit)
            if visible:
                message = _("เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้ว: %(name)s (%(place)s)") % {
                    "name": existing.name,
                    "place": existing.orgunit.full_name_th,
                }
            else:
                message = _("เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้วในระบบ")
            exc = DuplicateSubject(
                message, existing, hard=True, field="national_id", visible=visible
            )
        else:
            message = _("มี “%(name)s” ใน%(place)sอยู่แล้ว หากเป็นรายการใหม่จริง โปรดยืนยันการเพิ่ม") % {
                "name": existing.name,
                "place": existing.orgunit.full_name_th,
            }
            exc = DuplicateSubject(message, existing, hard=False, field="name")
        key = next(
            (f.key for f in self.identity if (f.type == "national_id") == hard),
            self.identity[0].key if self.identity else "name",
        )
        exc.errors = {key: [exc.message]}
        raise exc


def _clean_or_blank(national_id: str) -> str:
    try:
        return clean_national_id(national_id)
    except RecordError:
        return ""


def _refuse_existing_records(period: Period, planned: list[_Planned]) -> None:
    """`_create`'s check: a subject already recorded in the period (new subjects never are)."""
    subject_ids = sorted(p.subject.pk for p in planned if p.subject.pk is not None)
    for chunk in _chunks(subject_ids):
        if Record.objects.filter(period=period, subject_id__in=chunk).exists():
            taken = set(
                Record.objects.filter(period=period, subject_id__in=chunk).values_list(
                    "subject_id", flat=True
                )
            )
            first = next(p for p in planned if p.subject.pk in taken)
            raise BulkRowError(first.row.row, _already_there())


def _write(actor: Any, who: Any, version: Any, period: Period, batch: list[_Planned]) -> None:
    """Subjects, then their records, then the history of both, as the per-row path
    writes them (`_save_subject`, `_create`, `log_change`): one batch."""
    new_subjects = [p.subject for p in batch if p.subject.pk is None]
    subject_ids = _insert(Subject, [_columns_of(s) for s in new_subjects])
    for subject, pk in zip(new_subjects, subject_ids, strict=True):
        subject.pk = pk
        subject._state.adding = False
        subject._state.db = connection.alias
    author = getattr(actor, "pk", None)
    version_id, period_id = version.pk, period.pk
    records = [
        {
            "dataset_version_id": version_id,
            "period_id": period_id,
            "orgunit_id": p.office.pk,
            "orgunit_path": p.office.path,
            "subject_id": p.subject.pk,
            "values": p.values,
            "complete": p.complete,
            "created_by_id": author,
            "updated_by_id": author,
        }
        for p in batch
    ]
    json_texts: dict[int, tuple[Any, str]] = {}  # a record's values are its history's `after` too
    record_ids = _insert(Record, records, json_texts)
    actor_id = who.pk if who is not None else None
    changes = [
        {
            "entity": Entity.SUBJECT,
            "entity_id": s.pk,
            "action": ChangeAction.CREATE,
            "actor_id": actor_id,
            "orgunit_path": s.orgunit_path,
            "before": None,
            "after": _subject_snapshot(s),
        }
        for s in new_subjects
    ]
    changes += [
        {
            "entity": Entity.RECORD,
            "entity_id": pk,
            "action": ChangeAction.CREATE,
            "actor_id": actor_id,
            "orgunit_path": r["orgunit_path"],
            "before": None,
            "after": r["values"],
        }
        for r, pk in zip(records, record_ids, strict=True)
    ]
    _insert(Change, changes, json_texts)


# ---------------------------------------------------------------- writing rows


@functools.cache
def _stored_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The columns a new row is written with, the id aside."""
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _is_clock(f: models.Field[Any, Any]) -> bool:
    return bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))


def _columns_of(instance: models.Model) -> dict[str, Any]:
    """An unsaved instance as `_insert` takes it (its clocks are set when written)."""
    return {name: getattr(instance, name) for name in _given_names(type(instance))}


@functools.cache
def _given_names(model: type[models.Model]) -> list[str]:
    return [f.attname for f in _stored_fields(model) if not _is_clock(f)]


def _insert(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    json_texts: dict[int, tuple[Any, str]] | None = None,
) -> list[int]:
    """Write new rows of `model` (field attnames -> values as the database takes
    them; a missing field takes its default, the auto_now clocks the time now) and
    return their ids, in order.

    PostgreSQL: COPY, with the ids reserved from the table's sequence first, as
    `bulk_create` would have drawn them: its INSERT has psycopg quote every value
    of every row in Python, which cost most of a large import. `json_texts` keeps
    the JSON text of each value written (by its id, with the value, so the id
    stays its own) for values written more than once. Elsewhere `bulk_create`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        instances = [model(**row) for row in rows]
        model._default_manager.bulk_create(instances, batch_size=BATCH_SIZE)
        return [instance.pk for instance in instances]
    return _copy(model, rows, {} if json_texts is None else json_texts)


def _copy(
    model: type[models.Model], rows: list[dict[str, Any]], json_texts: dict[int, tuple[Any, str]]
) -> list[int]:
    meta = model._meta
    # The clocks as ISO text with their offset, the same instant: psycopg takes
    # longer to write an aware datetime than the rest of the row.
    now = timezone.now().isoformat()
    fields = _stored_fields(model)
    # What the model fills in (a blank text field is "", not NULL), then the clocks;
    # a default made by a function (dict, a UUID) is made again for each row.
    defaults = {f.attname: f.get_default() for f in fields if not _is_clock(f)}
    made = [f for f in fields if f.has_default() and callable(f.default)]
    clocks = {f.attname: now for f in fields if _is_clock(f)}
    json_names = [f.attname for f in fields if isinstance(f, models.JSONField)]
    in_order = operator.itemgetter(*(f.attname for f in fields))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [meta.pk.column, *(f.column for f in fields)])
    with connection.wrap_database_errors, connection.cursor() as cursor:
        cursor.execute(RESERVE_IDS, [meta.db_table, meta.pk.column, len(rows)])
        ids = sorted(pk for (pk,) in cursor.fetchall())
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                full = {**defaults, **row, **clocks}
                for f in made:
                    if f.attname not in row:
                        full[f.attname] = f.get_default()
                for name in json_names:
                    # As JSONField writes it (json.dumps; None is SQL NULL), but with
                    # Thai as UTF-8 rather than \u escapes: jsonb keeps the same value
                    # either way, and reads the shorter text faster.
                    value = full[name]
                    if value is not None:
                        if id(value) not in json_texts:
                            json_texts[id(value)] = (value, _json_text(value))
                        full[name] = json_texts[id(value)][1]
                copy.write_row((pk, *in_order(full)))
    return ids


_json_text = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per value

# The next `n` ids of a table's sequence. The sequence is looked up once (OFFSET 0
# keeps the subquery from being folded into a lookup per row, six times slower).
RESERVE_IDS = """
    SELECT nextval(s.seq)
    FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq OFFSET 0) AS s,
         generate_series(1, %s)
"""


def _chunks(items: list[Any], size: int = 1000) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
