"""Recording use cases: subjects, saving and submitting records, history.

Every function checks the actor's scope through `policy`, validates with the same
rules as the catalog (`catalog.validation`), writes inside one transaction and
keeps a Change row. Failures raise RecordError with Thai messages per field and
change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone
from django.utils.translation import gettext as _
from pythainlp.tokenize import subword_tokenize, word_tokenize
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition
from khomun.catalog.models import Dataset, DatasetVersion
from khomun.catalog.validation import validate_values
from khomun.lib.thaidate import format_date
from khomun.monitoring import summary
from khomun.monitoring.locking import is_open_for
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit, under_any
from khomun.orgunits.services import (
    OrgUnitError,
    district_of,
    get_or_create_village,
    unit_by_code,
)
from khomun.records.choices import ChangeAction, Entity, RecordState
from khomun.records.models import Change, Record, Subject
from khomun.schedule.models import Period


class RecordError(Exception):
    """A refused save; `errors` maps field keys to Thai messages."""

    status = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ConflictError(RecordError):
    status = 409


class LockedError(RecordError):
    status = 409


class DuplicateSubject(RecordError):
    """Another subject looks like this one; `existing` is it. `hard` means never allowed.

    `visible` is False when the existing subject lies outside the actor's scope: then
    the message says only that it exists, and callers must not show or link `existing`.
    """

    status = 409

    def __init__(
        self, message: str, existing: Subject, *, hard: bool, field: str, visible: bool = True
    ) -> None:
        super().__init__(message, {field: [message]})
        self.existing = existing
        self.hard = hard
        self.visible = visible


def _lang(actor: Any) -> str:
    return getattr(actor, "language", "th") or "th"


def _error(field: str, message: str) -> RecordError:
    return RecordError(message, {field: [message]})


# ---------------------------------------------------------------- Thai search

# Separates the word tokens from their syllables in `search_text`, so that a run of
# query words never matches across the two parts.
SYLLABLE_MARK = "|"


def normalise_name(name: str) -> str:
    """One space between words, none around: how names are stored and compared."""
    return " ".join((name or "").split())


def compact_name(name: str) -> str:
    """A name without any spaces, lower-cased: "กลุ่ม ออมทรัพย์" equals "กลุ่มออมทรัพย์"."""
    return "".join((name or "").split()).lower()


def _compact_name_expression() -> Any:
    return Lower(Replace(Replace("name", Value(" "), Value("")), Value("\u00a0"), Value("")))


def _words(text: str) -> list[str]:
    words = word_tokenize(text or "", engine="newmm", keep_whitespace=False)
    return [w.strip().lower() for w in words if w.strip() and w.strip() != SYLLABLE_MARK]


def tokens(text: str) -> str:
    """The search text of a name: its PyThaiNLP words, then the syllables of compound
    words (so "ฝ้าย" finds "ผ้าฝ้าย" and "ผลิต" finds "การผลิต"), space-joined."""
    words = _words(text)
    syllables: list[str] = []
    for word in words:
        parts = [p.strip() for p in subword_tokenize(word, engine="dict") if p.strip()]
        if len(parts) > 1:
            syllables.extend(p for p in parts if p not in syllables)
    text_words = " ".join(words)
    return f"{text_words} {SYLLABLE_MARK} {' '.join(syllables)}" if syllables else text_words


def _at_word_start(fragment: str) -> Q:
    """`fragment` begins at a word boundary of the search text."""
    return Q(search_text__startswith=fragment) | Q(search_text__contains=f" {fragment}")


def _query_condition(chunk: str) -> Q:
    """One space-separated part of a query: a word, the start of a word, or a run of
    words, each beginning at a word boundary (never from the middle of a word)."""
    chunk = chunk.lower()
    condition = _at_word_start(chunk)
    words = _words(chunk)
    if words:
        condition |= _at_word_start(" ".join(words))
    digits = chunk.replace("-", "")
    if digits.isascii() and digits.isdigit():
        condition |= Q(national_id__startswith=digits)
    return condition


# ---------------------------------------------------------------- history


def log_change(
    entity: str,
    entity_id: int,
    action: str,
    actor: Any,
    *,
    orgunit_path: str = "",
    before: Any = None,
    after: Any = None,
    comment: str = "",
) -> Change:
    return Change.objects.create(
        entity=entity,
        entity_id=entity_id,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        orgunit_path=orgunit_path,
        before=before,
        after=after,
        comment=comment,
    )


def history(entity: str, entity_id: int) -> list[Change]:
    return list(Change.objects.filter(entity=entity, entity_id=entity_id).select_related("actor"))


# ---------------------------------------------------------------- subjects


def _subject_snapshot(subject: Subject) -> dict[str, Any]:
    return {
        "kind": subject.kind,
        "name": subject.name,
        "orgunit": subject.orgunit.code,
        "national_id": subject.national_id,
        "attributes": subject.attributes,
        "active_from": subject.active_from.isoformat() if subject.active_from else None,
        "dissolved_on": subject.dissolved_on.isoformat() if subject.dissolved_on else None,
        "merged_into": subject.merged_into_id,
    }


# Kind labels by the published versions they come from: parsed once per catalog state.
_KIND_LABELS: dict[tuple[int, ...], dict[str, str]] = {}


def subject_kinds() -> dict[str, str]:
    """Subject kinds of the published catalog with their Thai labels, newest year first."""
    datasets = Dataset.objects.exclude(subject_kind="").filter(current__isnull=False)
    version_ids = tuple(sorted(datasets.values_list("current_id", flat=True)))
    if version_ids not in _KIND_LABELS:
        kinds: dict[str, str] = {}
        versions = DatasetVersion.objects.filter(pk__in=version_ids).select_related("dataset")
        newest_first = versions.order_by("-dataset__fiscal_year", "dataset__order")
        for version in newest_first:
            subject = version.parsed.subject
            if subject is not None:
                kinds.setdefault(subject.kind, subject.label_th)
        _KIND_LABELS.clear()
        _KIND_LABELS[version_ids] = kinds
    return dict(_KIND_LABELS[version_ids])


def subject_area(actor: Any, code: str) -> OrgUnit:
    """The district, subdistrict or village a subject is registered under, by its code;
    a village is made the first time. Unknown and out of scope read the same."""
    unit = OrgUnit.objects.filter(code=code).first()
    known = unit is not None or (
        len(code) == 8 and OrgUnit.objects.filter(code=code[:6], level=Level.SUBDISTRICT).exists()
    )
    parent = unit or OrgUnit.objects.filter(code=code[:6]).first()
    areas = (Level.DISTRICT, Level.SUBDISTRICT, Level.VILLAGE)
    if not known or parent is None or not policy.can_view(actor, parent):
        raise _area_error("orgunit", code)
    if unit is not None and unit.level not in areas:
        raise _error("orgunit", _("รายการต้องอยู่ในอำเภอ ตำบล หรือหมู่บ้าน"))
    policy.require_record(actor, parent)
    return unit or _resolve_unit(code) or parent


def clean_national_id(national_id: str) -> str:
    """13 digits with a valid check digit, or RecordError on `national_id`."""
    digits = "".join(ch for ch in (national_id or "") if ch not in " -.")
    if not digits:
        return ""
    try:
        return str(pin.validate(digits))
    except StdnumError:
        raise _error(
            "national_id", _("เลขประจำตัวประชาชนไม่ถูกต้อง ต้องเป็นตัวเลข 13 หลักที่เลขตรวจสอบถูกต้อง")
        ) from None


def find_duplicate(
    kind: str,
    orgunit: OrgUnit,
    name: str,
    national_id: str = "",
    *,
    exclude_pk: int | None = None,
) -> tuple[Subject, bool] | None:
    """(existing, hard) when a subject already looks like this one: the same national
    ID anywhere (hard), or the same name in the same unit, spaces ignored (soft)."""
    live = Subject.objects.filter(kind=kind, merged_into__isnull=True).select_related("orgunit")
    if exclude_pk is not None:
        live = live.exclude(pk=exclude_pk)
    if national_id:
        same_id = live.filter(national_id=national_id).first()
        if same_id is not None:
            return same_id, True
    same_name = (
        live.filter(orgunit=orgunit)
        .annotate(compact=_compact_name_expression())
        .filter(compact=compact_name(name))
        .first()
    )
    return (same_name, False) if same_name is not None else None


def _refuse_duplicate(
    actor: Any,
    kind: str,
    orgunit: OrgUnit,
    name: str,
    national_id: str,
    *,
    confirm_duplicate: bool,
    exclude_pk: int | None = None,
) -> None:
    duplicate = find_duplicate(kind, orgunit, name, national_id, exclude_pk=exclude_pk)
    if duplicate is None:
        return
    existing, hard = duplicate
    if hard:
        visible = policy.can_view(actor, existing.orgunit)
        if visible:
            message = _("เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้ว: %(name)s (%(place)s)") % {
                "name": existing.name,
                "place": existing.orgunit.full_name_th,
            }
        else:
            message = _("เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้วในระบบ")
        raise DuplicateSubject(message, existing, hard=True, field="national_id", visible=visible)
    if not confirm_duplicate:
        message = _("มี “%(name)s” ใน%(place)sอยู่แล้ว หากเป็นรายการใหม่จริง โปรดยืนยันการเพิ่ม") % {
            "name": existing.name,
            "place": existing.orgunit.full_name_th,
        }
        raise DuplicateSubject(message, existing, hard=False, field="name")


def _check_subject_fields(kind: str, name: str) -> None:
    if not kind:
        raise _error("kind", _("กรุณาเลือกประเภท"))
    if not name:
        raise _error("name", _("กรุณาระบุชื่อ"))
    if len(name) > 300:
        raise _error("name", _("ชื่อยาวเกิน 300 ตัวอักษร"))


def _save_subject(subject: Subject, actor: Any, action: str, before: Any) -> None:
    """Save and log; a race on the national ID index becomes the Thai duplicate error."""
    try:
        with transaction.atomic():
            subject.save()
            log_change(
                Entity.SUBJECT,
                subject.pk,
                action,
                actor,
                orgunit_path=subject.orgunit_path,
                before=before,
                after=_subject_snapshot(subject),
            )
    except IntegrityError:
        raise _error("national_id", _("เลขประจำตัวประชาชนนี้ลงทะเบียนไว้แล้วในระบบ")) from None


def create_subject(
    actor: Any,
    *,
    kind: str,
    orgunit: OrgUnit,
    name: str,
    national_id: str = "",
    attributes: dict[str, Any] | None = None,
    active_from: dt.date | None = None,
    confirm_duplicate: bool = False,
) -> Subject:
    """Register a subject. Same national ID: refused. Same name in the same unit: a
    warning unless `confirm_duplicate` (the province admin can merge them later)."""
    policy.require_record(actor, orgunit)
    subject = new_subject(
        actor,
        kind=kind,
        orgunit=orgunit,
        name=name,
        national_id=national_id,
        attributes=attributes,
        active_from=active_from,
    )
    _refuse_duplicate(
        actor,
        kind,
        orgunit,
        subject.name,
        subject.national_id,
        confirm_duplicate=confirm_duplicate,
    )
    _save_subject(subject, actor, ChangeAction.CREATE, None)
    return subject


def new_subject(
    actor: Any,
    *,
    kind: str,
    orgunit: OrgUnit,
    name: str,
    national_id: str = "",
    attributes: dict[str, Any] | None = None,
    active_from: dt.date | None = None,
    search_text: Callable[[str], str] = tokens,
) -> Subject:
    """An unsaved subject with its name and national ID checked and cleaned (one place
    for the one-by-one and the bulk store)."""
    name = normalise_name(name)
    _check_subject_fields(kind, name)
    return Subject(
        kind=kind,
        name=name,
        orgunit=orgunit,
        orgunit_path=orgunit.path,
        national_id=clean_national_id(national_id),
        attributes=attributes or {},
        active_from=active_from,
        search_text=search_text(name),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def update_subject(
    actor: Any,
    subject: Subject,
    *,
    name: str,
    orgunit: OrgUnit,
    national_id: str = "",
    attributes: dict[str, Any] | None = None,
    active_from: dt.date | None = None,
    confirm_duplicate: bool = False,
) -> Subject:
    """Change a subject's details (its kind stays); checked for duplicates like a new one."""
    policy.require_record(actor, subject.orgunit)
    policy.require_record(actor, orgunit)
    if subject.merged_into_id:
        raise RecordError(_("รายการนี้ถูกรวมเข้ากับรายการอื่นแล้ว แก้ไขไม่ได้"))
    name = normalise_name(name)
    _check_subject_fields(subject.kind, name)
    national_id = clean_national_id(national_id)
    if subject.dissolved_on and active_from and active_from > subject.dissolved_on:
        raise _error("active_from", _("วันที่เริ่มดำเนินการต้องไม่หลังวันที่ยุบเลิก"))
    _refuse_duplicate(
        actor,
        subject.kind,
        orgunit,
        name,
        national_id,
        confirm_duplicate=confirm_duplicate,
        exclude_pk=subject.pk,
    )
    before = _subject_snapshot(subject)
    subject.name, subject.orgunit, subject.orgunit_path = name, orgunit, orgunit.path
    subject.national_id, subject.active_from = national_id, active_from
    if attributes is not None:
        subject.attributes = attributes
    subject.search_text = tokens(name)
    _save_subject(subject, actor, ChangeAction.UPDATE, before)
    return subject


def dissolve_subject(actor: Any, subject: Subject, on: dt.date) -> Subject:
    """Mark a subject dissolved on a date; from the next period on it is not expected."""
    policy.require_record(actor, subject.orgunit)
    if subject.merged_into_id:
        raise RecordError(_("รายการนี้ถูกรวมเข้ากับรายการอื่นแล้ว"))
    if subject.active_from and on < subject.active_from:
        message = _("วันที่ยุบเลิกต้องไม่ก่อนวันที่เริ่มดำเนินการ (%(date)s)") % {
            "date": format_date(subject.active_from)
        }
        raise _error("dissolved_on", message)
    before = _subject_snapshot(subject)
    subject.dissolved_on = on
    with transaction.atomic():
        subject.save(update_fields=["dissolved_on", "updated_at"])
        log_change(
            Entity.SUBJECT,
            subject.pk,
            ChangeAction.DISSOLVE,
            actor,
            orgunit_path=subject.orgunit_path,
            before=before,
            after=_subject_snapshot(subject),
        )
    return subject


def _require_merge(actor: Any, subject: Subject) -> None:
    policy.require_view(actor, subject.orgunit)
    if not policy.can_merge_subjects(actor, subject.orgunit):
        raise PermissionDenied


def merge_subjects(actor: Any, keep: Subject, remove: Subject) -> Subject:
    """Move `remove`'s records to `keep` and retire `remove` (province admin only).

    Refused when both have a record in the same period: one of them must go first."""
    for subject in (keep, remove):
        _require_merge(actor, subject)
    if keep.pk == remove.pk or keep.kind != remove.kind:
        raise RecordError(_("รวมได้เฉพาะรายการประเภทเดียวกันที่ต่างกัน"))
    if keep.merged_into_id or remove.merged_into_id:
        raise RecordError(_("รายการนี้ถูกรวมเข้ากับรายการอื่นแล้ว"))
    clash = Record.objects.filter(
        subject=remove, period__in=Record.objects.filter(subject=keep).values("period")
    )
    if clash.exists():
        raise RecordError(_("ทั้งสองรายการมีข้อมูลในงวดเดียวกัน โปรดลบข้อมูลที่ซ้ำก่อนรวม"))
    unit = recording_unit(keep)
    before_keep, before_remove = _subject_snapshot(keep), _subject_snapshot(remove)
    with transaction.atomic():
        moved = list(Record.objects.filter(subject=remove).values_list("pk", flat=True))
        # The records now count where the kept subject is recorded.
        periods = set(Record.objects.filter(pk__in=moved).values_list("period_id", flat=True))
        Record.objects.filter(pk__in=moved).update(
            subject=keep, orgunit=unit, orgunit_path=unit.path
        )
        summary.touch(
            (period_id, path)
            for period_id in periods
            for path in (keep.orgunit_path, remove.orgunit_path, unit.path)
        )
        remove.merged_into = keep
        remove.save(update_fields=["merged_into", "updated_at"])
        log_change(
            Entity.SUBJECT,
            remove.pk,
            ChangeAction.MERGE,
            actor,
            orgunit_path=remove.orgunit_path,
            before=before_remove,
            after={**_subject_snapshot(remove), "records_moved": moved},
        )
        log_change(
            Entity.SUBJECT,
            keep.pk,
            ChangeAction.MERGE,
            actor,
            orgunit_path=keep.orgunit_path,
            before=before_keep,
            after={**_subject_snapshot(keep), "absorbed": remove.pk, "records_moved": moved},
        )
    return keep


@dataclass
class DuplicateGroup:
    """Subjects of one kind in one province that look like the same thing."""

    kind: str
    reason: str  # "name": the same name, spaces ignored
    subjects: list[Subject]


def possible_duplicates(actor: Any, province: OrgUnit) -> list[DuplicateGroup]:
    """Subjects of one kind with the same name (spaces ignored) in a province, for its
    admin to review and merge. The same national ID twice cannot happen: the database
    refuses it (`subject_unique_national_id`) and registering says where the first is."""
    policy.require_view(actor, province)
    if not policy.can_merge_subjects(actor, province):
        raise PermissionDenied
    live = Subject.objects.filter(
        orgunit_path__startswith=province.path, merged_into__isnull=True
    ).annotate(compact=_compact_name_expression())
    repeated = live.values("kind", "compact").annotate(n=Count("pk")).filter(n__gt=1).order_by()
    groups = []
    for row in repeated.order_by("kind", "compact"):
        members = live.filter(kind=row["kind"], compact=row["compact"]).select_related("orgunit")
        groups.append(
            DuplicateGroup(row["kind"], "name", list(members.order_by("created_at", "pk")))
        )
    return groups


def search_subjects(
    actor: Any,
    query: str,
    *,
    kind: str = "",
    under: OrgUnit | None = None,
    state: str = "",
) -> QuerySet[Subject]:
    """Subjects in scope whose name has every word of the query (Thai-aware): each
    query part must match a whole word, the start of a word or a run of words.
    `state` is "active", "dissolved" or "" for both; merged subjects never show."""
    qs = Subject.objects.filter(merged_into__isnull=True).select_related("orgunit")
    units = [under] if under is not None else [a.orgunit for a in policy.assignments(actor)]
    if under is not None or not getattr(actor, "is_superuser", False):
        seen = (unit.path for unit in units if policy.can_view(actor, unit))
        qs = qs.filter(under_any("orgunit_path", seen))
    if kind:
        qs = qs.filter(kind=kind)
    if state == "active":
        qs = qs.filter(dissolved_on__isnull=True)
    elif state == "dissolved":
        qs = qs.filter(dissolved_on__isnull=False)
    for chunk in (query or "").split():
        if chunk != SYLLABLE_MARK:
            qs = qs.filter(_query_condition(chunk))
    return qs


# ---------------------------------------------------------------- records


def recording_unit(subject: Subject) -> OrgUnit:
    """The office that records a subject: its district, or its province for province units."""
    if subject.orgunit.level in (Level.PROVINCE, Level.COUNTRY):
        return subject.orgunit
    return district_of(subject.orgunit)


def _check_open(
    period: Period, record: Record | None, today: dt.date, unit: OrgUnit | None = None
) -> None:
    """Approved records and locked periods refuse changes, unless the province
    reopened the period for the unit's district (monitoring.locking)."""
    if record is not None and record.state == RecordState.APPROVED:
        raise LockedError(_("ข้อมูลนี้ได้รับอนุมัติแล้ว แก้ไขไม่ได้"))
    where = record.orgunit if record is not None else unit
    locked = period.is_locked(today) if where is None else not is_open_for(period, where, today)
    if locked:
        raise LockedError(_("งวดนี้ปิดรับข้อมูลแล้วตั้งแต่ %(date)s") % {"date": format_date(period.lock)})


def _definition_for(
    record: Record | None, dataset: Dataset
) -> tuple[DatasetVersion, DatasetDefinition]:
    version = record.dataset_version if record is not None else dataset.current
    if version is None:
        raise RecordError(_("ฐานข้อมูลนี้ยังไม่ได้ประกาศใช้"))
    return version, version.parsed


def _resolve_unit(code: str) -> OrgUnit | None:
    """The unit of a code; a village is made the first time its code is used."""
    unit = unit_by_code(code)
    if unit is None and len(code) == 8:
        try:
            unit = get_or_create_village(code[:6], int(code[6:]))
        except (OrgUnitError, ValueError):
            return None
    return unit


def _area_error(key: str, code: str) -> RecordError:
    return _error(key, _("ไม่พบพื้นที่รหัส %(code)s ในพื้นที่ของท่าน") % {"code": code})


def _check_references(
    actor: Any, defn: DatasetDefinition, values: dict[str, Any], loaded: Iterable[OrgUnit] = ()
) -> None:
    """Area codes must exist and lie in (or above) the actor's scope; subject ids must
    be subjects the actor may see. Unknown and out of scope read the same. `loaded`:
    units the caller has read already (a producer's own village), not read again."""
    known = {u.code: u for u in loaded}
    for f in defn.fields:
        value = values.get(f.key)
        if value is None:
            continue
        if f.type == "orgunit":
            unit = known.get(value) or unit_by_code(value)
            if unit is None and len(value) == 8:
                unit = unit_by_code(value[:6])  # village made later
            if unit is None or not policy.visible_or_ancestor(actor, unit):
                raise _area_error(f.key, value)
        elif f.type == "subject":
            other = Subject.objects.filter(pk=value).select_related("orgunit").first()
            wrong_kind = other is not None and f.subject_kind and other.kind != f.subject_kind
            if other is None or wrong_kind or not policy.can_view(actor, other.orgunit):
                message = _("ไม่พบรายการรหัส %(id)s") % {"id": value}
                raise _error(f.key, message)


def _place_subject_unit(
    defn: DatasetDefinition,
    values: dict[str, Any],
    fallback: OrgUnit,
    resolve: Callable[[str], OrgUnit | None] = _resolve_unit,
) -> OrgUnit:
    """A subject sits under the area named in its values (a village, a subdistrict) when
    that lies within the recording unit; an area above it leaves it at the unit.
    `resolve` is `_resolve_unit`, or a cached copy of it for bulk imports."""
    for f in defn.fields:
        code = values.get(f.key)
        if f.type != "orgunit" or not isinstance(code, str):
            continue
        unit = resolve(code)
        if unit is None:
            raise _area_error(f.key, code)
        if unit.is_within(fallback):
            return unit
        if fallback.is_within(unit):
            return fallback
        raise _error(f.key, _("พื้นที่ต้องอยู่ในเขตของหน่วยงานที่บันทึก"))
    return fallback


def subject_identity(
    defn: DatasetDefinition, values: dict[str, Any]
) -> tuple[str, str, dict[str, Any]]:
    """(name, national ID, attributes) of the subject a new record is about, from the
    record's identity fields; RecordError on the first identity field without a name."""
    identity = [f for f in defn.fields if f.identity]
    names = [
        str(values.get(f.key, "")).strip()
        for f in identity
        if f.type not in ("national_id", "orgunit")
    ]
    national_id = next(
        (str(values.get(f.key) or "") for f in identity if f.type == "national_id"), ""
    )
    name = " ".join(n for n in names if n)
    if not name:
        first = identity[0] if identity else None
        raise _error(first.key if first else "name", _("กรุณาระบุชื่อ"))
    return name, national_id, {f.key: values.get(f.key) for f in identity}


def subject_from_values(
    actor: Any,
    defn: DatasetDefinition,
    unit: OrgUnit,
    values: dict[str, Any],
    *,
    confirm_duplicate: bool = False,
) -> Subject:
    """Register the subject a new record is about, from the record's identity fields."""
    assert defn.subject is not None
    identity = [f for f in defn.fields if f.identity]
    name, national_id, attributes = subject_identity(defn, values)
    place = _place_subject_unit(defn, values, unit)
    try:
        return create_subject(
            actor,
            kind=defn.subject.kind,
            orgunit=place,
            name=name,
            national_id=national_id,
            attributes=attributes,
            confirm_duplicate=confirm_duplicate,
        )
    except DuplicateSubject as exc:
        # Report the clash on the form's own field, not on the subject's.
        key = next(
            (f.key for f in identity if (f.type == "national_id") == exc.hard),
            identity[0].key if identity else "name",
        )
        exc.errors = {key: [exc.message]}
        raise


def _office_of(unit: OrgUnit) -> OrgUnit:
    """The recording office above a unit: the unit itself from district level up."""
    if unit.level in (Level.VILLAGE, Level.SUBDISTRICT):
        return district_of(unit)
    return unit


def _unit_for(record: Record | None, subject: Subject | None, orgunit: OrgUnit | None) -> OrgUnit:
    """Where a record is counted: the record's unit, else the office named by the caller
    when the subject lies within it, else the subject's recording unit."""
    if record is not None:
        return record.orgunit
    if subject is not None:
        if orgunit is not None and subject.orgunit.is_within(orgunit):
            return _office_of(orgunit)
        return recording_unit(subject)
    if orgunit is None:
        raise _error("orgunit", _("กรุณาระบุหน่วยงานที่รายงาน"))
    return orgunit


def _loaded_units(unit: OrgUnit, subject: Subject | None, record: Record | None) -> list[OrgUnit]:
    """The units a save has in hand: its recording unit and its subject's own area
    (a village named again in the values), when the subject came with its unit."""
    if subject is None and record is not None and Record.subject.is_cached(record):
        subject = record.subject
    if subject is not None and Subject.orgunit.is_cached(subject):
        return [unit, subject.orgunit]
    return [unit]


def _check_subject(defn: DatasetDefinition, subject: Subject, period: Period) -> None:
    if defn.subject is None or subject.kind != defn.subject.kind:
        raise _error("subject", _("รายการนี้ไม่ใช่ประเภทที่ฐานข้อมูลนี้บันทึก"))
    if subject.merged_into_id:
        raise _error("subject", _("รายการนี้ถูกรวมเข้ากับรายการอื่นแล้ว โปรดบันทึกที่รายการที่เก็บไว้"))
    if not subject.is_active_during(period.start, period.end):
        raise _error("subject", _("รายการนี้ไม่ได้ดำเนินการในงวดนี้ (ยุบเลิกแล้วหรือยังไม่เริ่ม)"))


def save_record(
    actor: Any,
    period: Period,
    values: dict[str, Any],
    *,
    subject: Subject | None = None,
    orgunit: OrgUnit | None = None,
    record: Record | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
    confirm_duplicate: bool = False,
) -> Record:
    """Create or change a record (a draft may be partial). Raises RecordError on bad
    values, ConflictError when someone saved in between, LockedError after the lock."""
    today = today or timezone.localdate()
    if record is not None:
        period = record.period
    version, defn = _definition_for(record, period.dataset)
    unit = _unit_for(record, subject, orgunit)
    if record is None and defn.subject is not None:
        unit = _office_of(unit)
    policy.require_record(actor, unit)
    if record is None and defn.subject is None and unit.level not in defn.levels:
        raise RecordError(
            _("ฐานข้อมูลนี้บันทึกโดยระดับ %(levels)s เท่านั้น") % {"levels": ", ".join(defn.levels)},
            {"orgunit": [_("หน่วยงานนี้ไม่ได้เป็นผู้บันทึกฐานข้อมูลนี้")]},
        )
    if record is None and subject is not None:
        _check_subject(defn, subject, period)
    _check_open(period, record, today, unit)
    state = record.state if record else RecordState.DRAFT
    result = validate_values(
        defn, values, lang=_lang(actor), require_all=state == RecordState.SUBMITTED
    )
    if result.errors:
        raise RecordError(_("ข้อมูลไม่ถูกต้อง โปรดแก้ไขช่องที่แจ้ง"), result.errors)
    _check_references(actor, defn, result.cleaned, _loaded_units(unit, subject, record))
    with transaction.atomic():
        if record is None:
            if defn.subject is not None and subject is None:
                subject = subject_from_values(
                    actor, defn, unit, result.cleaned, confirm_duplicate=confirm_duplicate
                )
            record = _create(actor, period, version, unit, subject, result.cleaned, result.complete)
        else:
            record = _update(actor, record, result.cleaned, result.complete, expected_version)
    return record


def _already_there() -> ConflictError:
    return ConflictError(_("มีข้อมูลของงวดนี้อยู่แล้ว โปรดเปิดรายการเดิมเพื่อแก้ไข"))


def _create(
    actor: Any,
    period: Period,
    version: DatasetVersion,
    unit: OrgUnit,
    subject: Subject | None,
    values: dict[str, Any],
    complete: bool,
) -> Record:
    # A second record of the same subject (or unit) in the period is refused by the
    # unique constraints (record_one_per_subject, record_one_per_orgunit).
    record = Record(
        dataset_version=version,
        period=period,
        orgunit=unit,
        orgunit_path=unit.path,
        subject=subject,
        values=values,
        complete=complete,
        created_by=actor,
        updated_by=actor,
    )
    try:
        # No savepoint of its own: save_record's transaction (or savepoint) around this
        # call is rolled back as the error leaves it, and nothing runs in between.
        record.save()
    except IntegrityError:
        raise _already_there() from None
    log_change(
        Entity.RECORD, record.pk, ChangeAction.CREATE, actor, orgunit_path=unit.path, after=values
    )
    return record


def _update(
    actor: Any, record: Record, values: dict[str, Any], complete: bool, expected_version: int | None
) -> Record:
    if expected_version is None:
        expected_version = record.version
    # The values as stored at the expected version: the record's own when it was read at
    # that version (the update below succeeds only if nobody saved since), else read.
    before = record.values
    if record.version != expected_version:
        before = Record.objects.filter(pk=record.pk).values_list("values", flat=True).first()
    now = timezone.now()
    changed = Record.objects.filter(pk=record.pk, version=expected_version).update(
        values=values,
        complete=complete,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=now,
    )
    if not changed:
        raise ConflictError(
            _(
                "มีผู้อื่นบันทึกรายการนี้ก่อนท่าน ข้อมูลของท่านยังไม่ถูกบันทึก "
                "โปรดเปิดรายการใหม่เพื่อดูข้อมูลล่าสุด แล้วแก้ไขอีกครั้ง"
            )
        )
    summary.touch_record(record)
    # As the UPDATE left the row (no re-read: it would also drop the loaded period and unit).
    record.values, record.complete, record.version = values, complete, expected_version + 1
    record.updated_by, record.updated_at = actor, now
    log_change(
        Entity.RECORD,
        record.pk,
        ChangeAction.UPDATE,
        actor,
        orgunit_path=record.orgunit_path,
        before=before,
        after=values,
    )
    return record


def submit_record(
    actor: Any, record: Record, *, expected_version: int | None = None, today: dt.date | None = None
) -> Record:
    """Submit a record: every required field valid, no rule broken.

    Its Change keeps the state before and after (the values do not change)."""
    today = today or timezone.localdate()
    policy.require_record(actor, record.orgunit)
    _check_open(record.period, record, today)
    defn = record.dataset_version.parsed
    result = validate_values(defn, record.values, lang=_lang(actor), require_all=True)
    if result.errors:
        raise RecordError(_("ยังส่งไม่ได้: ข้อมูลยังไม่ครบหรือไม่ถูกต้อง"), result.errors)
    version = expected_version if expected_version is not None else record.version
    with transaction.atomic():
        now = timezone.now()
        changed = Record.objects.filter(pk=record.pk, version=version).update(
            state=RecordState.SUBMITTED,
            complete=True,
            submitted_at=now,
            submitted_by=actor,
            version=F("version") + 1,
            updated_by=actor,
            updated_at=now,
        )
        if not changed:
            raise ConflictError(_("มีผู้อื่นแก้ไขรายการนี้ก่อนท่าน โปรดเปิดรายการใหม่แล้วส่งอีกครั้ง"))
        summary.touch_record(record)
        log_change(
            Entity.RECORD,
            record.pk,
            ChangeAction.SUBMIT,
            actor,
            orgunit_path=record.orgunit_path,
            before={"state": record.state},
            after={"state": RecordState.SUBMITTED.value},
        )
    record.refresh_from_db()
    return record


def delete_record(actor: Any, record: Record, *, today: dt.date | None = None) -> None:
    """Delete a draft or returned record; the history keeps its values."""
    policy.require_record(actor, record.orgunit)
    _check_open(record.period, record, today or timezone.localdate())
    if record.state not in (RecordState.DRAFT, RecordState.RETURNED):
        raise RecordError(_("ลบได้เฉพาะข้อมูลฉบับร่างหรือที่ถูกส่งกลับ"))
    with transaction.atomic():
        log_change(
            Entity.RECORD,
            record.pk,
            ChangeAction.DELETE,
            actor,
            orgunit_path=record.orgunit_path,
            before=record.values,
        )
        record.delete()
        summary.touch_record(record)


def previous_values(record_or_subject: Subject | Record, period: Period) -> dict[str, Any] | None:
    """The values of the last period before this one, of the same dataset (any fiscal
    year), for the same subject (or, without one, the same reporting unit)."""
    earlier = Record.objects.filter(
        period__dataset__key=period.dataset.key, period__end__lt=period.start
    )
    if isinstance(record_or_subject, Record):
        if record_or_subject.subject_id is not None:
            earlier = earlier.filter(subject_id=record_or_subject.subject_id)
        else:
            earlier = earlier.filter(orgunit=record_or_subject.orgunit, subject__isnull=True)
    else:
        earlier = earlier.filter(subject=record_or_subject)
    values = earlier.order_by("-period__end").values_list("values", flat=True).first()
    return dict(values) if values is not None else None
