"""New records in bulk, for imports: the same rows, fields and history as `save_record`.

`save_record` costs about ten small queries and a Thai word segmentation per new
row (100-200 rows a second). An import that has already checked every row against
preloaded subjects and records needs none of that per row: here every rule of the
per-row path runs once per distinct thing (office, area code, referenced subject,
name part), the duplicate checks are one query for the whole file plus the rows
before in the file, and subjects, records and their `Change` rows are written with
`bulk_create`. It reuses the service's own rule functions, so the two cannot drift;
`khomun/excel/tests/test_bulk_store.py` compares what both write for the same rows.

Only new records: a new subject with its record, or a record for a subject that has
none in the period. Changes of existing records (optimistic locking, before/after
history) stay with `save_record`. The caller runs this inside its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from pythainlp.tokenize import subword_tokenize

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition
from khomun.catalog.validation import validate_values
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
            if part not in self.part_words:
                self.part_words[part] = _words(part)
            words.extend(self.part_words[part])
        syllables: list[str] = []
        for word in words:
            if word not in self.word_parts:
                found = subword_tokenize(word, engine="dict")
                self.word_parts[word] = [p.strip() for p in found if p.strip()]
            parts = self.word_parts[word]
            if len(parts) > 1:
                syllables.extend(p for p in parts if p not in syllables)
        text_words = " ".join(words)
        return f"{text_words} {SYLLABLE_MARK} {' '.join(syllables)}" if syllables else text_words


class _Cache:
    """Each per-row rule of `save_record`, run once per distinct argument."""

    def __init__(self, actor: Any, defn: DatasetDefinition, period: Period, today: dt.date):
        self.actor, self.defn, self.period, self.today = actor, defn, period, today
        self.units: dict[str, OrgUnit | None] = {}
        self.offices: dict[tuple[int, int], OrgUnit] = {}
        self.allowed: set[int] = set()
        self.references: set[tuple[str, Any]] = set()

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
        for f in self.defn.fields:
            value = values.get(f.key)
            if f.type not in ("orgunit", "subject") or value is None:
                continue
            if (f.key, value) not in self.references:
                _check_references(self.actor, self.defn, {f.key: value})
                self.references.add((f.key, value))


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
    planned: list[_Planned] = []
    for row in rows:
        try:
            planned.append(_plan(cache, defn, duplicates, search_text, unit, row))
        except RecordError as exc:
            raise BulkRowError(row.row, exc) from None
    _refuse_existing_records(period, planned)
    who = actor if getattr(actor, "pk", None) else None
    done = 0
    for start in range(0, len(planned), BATCH_SIZE):
        batch = planned[start : start + BATCH_SIZE]
        _write(actor, who, version, period, batch)
        done += len(batch)
        if progress is not None:
            progress(done)
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

    def _load_place(self, place_id: int) -> None:
        if place_id not in self.places:
            for s in self.live.filter(orgunit_id=place_id).order_by("pk"):
                self.by_name.setdefault((compact_name(s.name), place_id), s)
            self.places.add(place_id)

    def refuse(self, subject: Subject) -> None:
        """Raise what `_refuse_duplicate` + `subject_from_values` raise, else remember it."""
        self._load_place(subject.orgunit_id)
        existing = self.by_national_id.get(subject.national_id) if subject.national_id else None
        hard = existing is not None
        if existing is None:
            existing = self.by_name.get((compact_name(subject.name), subject.orgunit_id))
        if existing is None:
            if subject.national_id:
                self.by_national_id[subject.national_id] = subject
            self.by_name.setdefault((compact_name(subject.name), subject.orgunit_id), subject)
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
    writes them (`_save_subject`, `_create`, `log_change`)."""
    new_subjects = [p.subject for p in batch if p.subject.pk is None]
    Subject.objects.bulk_create(new_subjects, batch_size=BATCH_SIZE)
    records = [
        Record(
            dataset_version=version,
            period=period,
            orgunit=p.office,
            orgunit_path=p.office.path,
            subject=p.subject,
            values=p.values,
            complete=p.complete,
            created_by=actor,
            updated_by=actor,
        )
        for p in batch
    ]
    Record.objects.bulk_create(records, batch_size=BATCH_SIZE)
    changes = [
        Change(
            entity=Entity.SUBJECT,
            entity_id=s.pk,
            action=ChangeAction.CREATE,
            actor=who,
            orgunit_path=s.orgunit_path,
            before=None,
            after=_subject_snapshot(s),
        )
        for s in new_subjects
    ]
    changes += [
        Change(
            entity=Entity.RECORD,
            entity_id=r.pk,
            action=ChangeAction.CREATE,
            actor=who,
            orgunit_path=r.orgunit_path,
            before=None,
            after=r.values,
        )
        for r in records
    ]
    Change.objects.bulk_create(changes, batch_size=BATCH_SIZE)


def _chunks(items: list[Any], size: int = 1000) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
