"""Recording use cases: subjects, saving and submitting records, history.

Every function checks the actor's scope through `policy`, validates with the same
rules as the catalog (`catalog.validation`), writes inside one transaction and
keeps a Change row. Failures raise RecordError with Thai messages per field and
change nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from pythainlp.tokenize import word_tokenize

from khomun.accounts import policy
from khomun.catalog.definition import DatasetDefinition
from khomun.catalog.models import Dataset, DatasetVersion
from khomun.catalog.validation import validate_values
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.orgunits.services import OrgUnitError, get_or_create_village
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
    """Another subject looks like this one; `existing` is it. `hard` means never allowed."""

    status = 409

    def __init__(self, message: str, existing: Subject, *, hard: bool, field: str) -> None:
        super().__init__(message, {field: [message]})
        self.existing = existing
        self.hard = hard


def _lang(actor: Any) -> str:
    return getattr(actor, "language", "th") or "th"


def tokens(text: str) -> str:
    """Word tokens of Thai text, lower-cased and space-joined, for word-aware search."""
    words = word_tokenize(text or "", engine="newmm", keep_whitespace=False)
    return " ".join(w.strip().lower() for w in words if w.strip())


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
    }


def find_duplicate(
    kind: str, orgunit: OrgUnit, name: str, national_id: str = ""
) -> tuple[Subject, bool] | None:
    """(existing, hard) when a subject already looks like this one."""
    live = Subject.objects.filter(kind=kind, merged_into__isnull=True)
    if national_id:
        same_id = live.filter(national_id=national_id).first()
        if same_id is not None:
            return same_id, True
    same_name = live.filter(orgunit=orgunit, name__iexact=name.strip()).first()
    return (same_name, False) if same_name is not None else None


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
    name = name.strip()
    if not name:
        raise RecordError("กรุณาระบุชื่อ", {"name": ["กรุณาระบุชื่อ"]})
    duplicate = find_duplicate(kind, orgunit, name, national_id)
    if duplicate is not None:
        existing, hard = duplicate
        if hard:
            raise DuplicateSubject(
                f"เลขประจำตัวประชาชนนี้มีอยู่แล้ว: {existing.name} ({existing.orgunit.full_name_th})",
                existing,
                hard=True,
                field="national_id",
            )
        if not confirm_duplicate:
            raise DuplicateSubject(
                f"มี “{existing.name}” ใน{existing.orgunit.full_name_th}อยู่แล้ว "
                "หากเป็นรายการใหม่จริง โปรดยืนยันการเพิ่ม",
                existing,
                hard=False,
                field="name",
            )
    subject = Subject(
        kind=kind,
        name=name,
        orgunit=orgunit,
        orgunit_path=orgunit.path,
        national_id=national_id,
        attributes=attributes or {},
        active_from=active_from,
        search_text=tokens(name),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            subject.save()
            log_change(
                Entity.SUBJECT,
                subject.pk,
                ChangeAction.CREATE,
                actor,
                orgunit_path=orgunit.path,
                after=_subject_snapshot(subject),
            )
    except IntegrityError:
        raise RecordError(
            "เลขประจำตัวประชาชนนี้มีอยู่แล้ว", {"national_id": ["เลขประจำตัวประชาชนนี้มีอยู่แล้ว"]}
        ) from None
    return subject


def dissolve_subject(actor: Any, subject: Subject, on: dt.date) -> Subject:
    policy.require_record(actor, subject.orgunit)
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


def merge_subjects(actor: Any, keep: Subject, remove: Subject) -> Subject:
    """Move `remove`'s records to `keep` and retire `remove` (province admin only)."""
    if keep.pk == remove.pk or keep.kind != remove.kind:
        raise RecordError("รวมได้เฉพาะรายการประเภทเดียวกันที่ต่างกัน")
    for subject in (keep, remove):
        policy.require_view(actor, subject.orgunit)
        if not policy.can_merge_subjects(actor, subject.orgunit):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
    clash = Record.objects.filter(
        subject=remove, period__in=Record.objects.filter(subject=keep).values("period")
    )
    if clash.exists():
        raise RecordError("ทั้งสองรายการมีข้อมูลในงวดเดียวกัน โปรดลบข้อมูลที่ซ้ำก่อนรวม")
    with transaction.atomic():
        moved = Record.objects.filter(subject=remove).update(subject=keep)
        remove.merged_into = keep
        remove.save(update_fields=["merged_into", "updated_at"])
        log_change(
            Entity.SUBJECT,
            remove.pk,
            ChangeAction.MERGE,
            actor,
            orgunit_path=remove.orgunit_path,
            after={"merged_into": keep.pk, "records_moved": moved},
        )
        log_change(
            Entity.SUBJECT,
            keep.pk,
            ChangeAction.MERGE,
            actor,
            orgunit_path=keep.orgunit_path,
            after={"absorbed": remove.pk, "records_moved": moved},
        )
    return keep


def search_subjects(actor: Any, query: str, *, kind: str = "", under: OrgUnit | None = None) -> Any:
    """Subjects in scope whose name contains every word of the query (Thai-aware)."""
    qs = Subject.objects.filter(merged_into__isnull=True).select_related("orgunit")
    units = [under] if under is not None else [a.orgunit for a in policy.assignments(actor)]
    if not getattr(actor, "is_superuser", False):
        from django.db.models import Q

        condition = Q(pk__in=[])
        for unit in units:
            if unit is not None and policy.can_view(actor, unit):
                condition |= Q(orgunit_path__startswith=unit.path)
        qs = qs.filter(condition)
    if kind:
        qs = qs.filter(kind=kind)
    for word in tokens(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs


# ---------------------------------------------------------------- records


def recording_unit(subject: Subject) -> OrgUnit:
    """The office that records a subject: its district, or its province for province units."""
    code = subject.orgunit.code
    if subject.orgunit.level in (Level.PROVINCE, Level.COUNTRY):
        return subject.orgunit
    return OrgUnit.objects.get(code=code[:4])


def _check_open(period: Period, record: Record | None, today: dt.date) -> None:
    if record is not None and record.state == RecordState.APPROVED:
        raise LockedError("ข้อมูลนี้ได้รับอนุมัติแล้ว แก้ไขไม่ได้")
    if period.is_locked(today):
        from khomun.lib.thaidate import format_date

        raise LockedError(f"งวดนี้ปิดรับข้อมูลแล้วตั้งแต่ {format_date(period.lock)}")


def _definition_for(
    record: Record | None, dataset: Dataset
) -> tuple[DatasetVersion, DatasetDefinition]:
    version = record.dataset_version if record is not None else dataset.current
    if version is None:
        raise RecordError("ฐานข้อมูลนี้ยังไม่ได้ประกาศใช้")
    return version, version.parsed


def _place_subject_unit(
    defn: DatasetDefinition, values: dict[str, Any], fallback: OrgUnit
) -> OrgUnit:
    """A subject sits under the village named in its values when the form has one."""
    for f in defn.fields:
        if f.type == "orgunit" and isinstance(values.get(f.key), str) and len(values[f.key]) == 8:
            code = values[f.key]
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                try:
                    unit = get_or_create_village(code[:6], int(code[6:]))
                except (OrgUnitError, ValueError):
                    raise RecordError(
                        f"ไม่พบหมู่บ้านรหัส {code}", {f.key: [f"ไม่พบหมู่บ้านรหัส {code}"]}
                    ) from None
            if not unit.is_within(fallback):
                raise RecordError("หมู่บ้านต้องอยู่ในพื้นที่ของท่าน", {f.key: ["หมู่บ้านต้องอยู่ในพื้นที่ของท่าน"]})
            return unit
    return fallback


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
        key = first.key if first else "name"
        raise RecordError("กรุณาระบุชื่อ", {key: ["กรุณาระบุชื่อ"]})
    place = _place_subject_unit(defn, values, unit)
    attributes = {f.key: values.get(f.key) for f in identity}
    return create_subject(
        actor,
        kind=defn.subject.kind,
        orgunit=place,
        name=name,
        national_id=national_id,
        attributes=attributes,
        confirm_duplicate=confirm_duplicate,
    )


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
    dataset = period.dataset
    version, defn = _definition_for(record, dataset)
    if record is None and subject is None and orgunit is None:
        raise RecordError("กรุณาระบุหน่วยงานที่รายงาน", {"orgunit": ["กรุณาระบุหน่วยงานที่รายงาน"]})
    unit = record.orgunit if record else (recording_unit(subject) if subject else orgunit)
    assert unit is not None
    policy.require_record(actor, unit)
    if record is None and defn.subject is None and unit.level not in defn.levels:
        raise RecordError(
            f"ฐานข้อมูลนี้บันทึกโดยระดับ {', '.join(defn.levels)} เท่านั้น",
            {"orgunit": ["หน่วยงานนี้ไม่ได้เป็นผู้บันทึกฐานข้อมูลนี้"]},
        )
    _check_open(period, record, today)
    state = record.state if record else RecordState.DRAFT
    result = validate_values(
        defn, values, lang=_lang(actor), require_all=state == RecordState.SUBMITTED
    )
    if result.errors:
        raise RecordError("ข้อมูลไม่ถูกต้อง โปรดแก้ไขช่องที่แจ้ง", result.errors)
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


def _create(
    actor: Any,
    period: Period,
    version: DatasetVersion,
    unit: OrgUnit,
    subject: Subject | None,
    values: dict[str, Any],
    complete: bool,
) -> Record:
    existing = (
        Record.objects.filter(period=period, subject=subject)
        if subject
        else Record.objects.filter(period=period, orgunit=unit, subject__isnull=True)
    )
    if existing.exists():
        raise ConflictError("มีข้อมูลของงวดนี้อยู่แล้ว โปรดเปิดรายการเดิมเพื่อแก้ไข")
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
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ConflictError("มีข้อมูลของงวดนี้อยู่แล้ว โปรดเปิดรายการเดิมเพื่อแก้ไข") from None
    log_change(
        Entity.RECORD, record.pk, ChangeAction.CREATE, actor, orgunit_path=unit.path, after=values
    )
    return record


def _update(
    actor: Any, record: Record, values: dict[str, Any], complete: bool, expected_version: int | None
) -> Record:
    if expected_version is None:
        expected_version = record.version
    before = Record.objects.filter(pk=record.pk).values_list("values", flat=True).first()
    changed = Record.objects.filter(pk=record.pk, version=expected_version).update(
        values=values,
        complete=complete,
        version=F("version") + 1,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    if not changed:
        raise ConflictError(
            "มีผู้อื่นบันทึกรายการนี้ก่อนท่าน ข้อมูลของท่านยังไม่ถูกบันทึก โปรดเปิดรายการใหม่เพื่อดูข้อมูลล่าสุด แล้วแก้ไขอีกครั้ง"
        )
    record.refresh_from_db()
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
    """Submit a record: every required field valid, no rule broken."""
    today = today or timezone.localdate()
    policy.require_record(actor, record.orgunit)
    _check_open(record.period, record, today)
    defn = record.dataset_version.parsed
    result = validate_values(defn, record.values, lang=_lang(actor), require_all=True)
    if result.errors:
        raise RecordError("ยังส่งไม่ได้: ข้อมูลยังไม่ครบหรือไม่ถูกต้อง", result.errors)
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
            raise ConflictError("มีผู้อื่นแก้ไขรายการนี้ก่อนท่าน โปรดเปิดรายการใหม่แล้วส่งอีกครั้ง")
        log_change(
            Entity.RECORD, record.pk, ChangeAction.SUBMIT, actor, orgunit_path=record.orgunit_path
        )
    record.refresh_from_db()
    return record


def delete_record(actor: Any, record: Record, *, today: dt.date | None = None) -> None:
    """Delete a draft or returned record; the history keeps its values."""
    policy.require_record(actor, record.orgunit)
    _check_open(record.period, record, today or timezone.localdate())
    if record.state not in (RecordState.DRAFT, RecordState.RETURNED):
        raise RecordError("ลบได้เฉพาะข้อมูลฉบับร่างหรือที่ถูกส่งกลับ")
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


def previous_values(record_or_subject: Subject, period: Period) -> dict[str, Any] | None:
    """The subject's values in the period before this one (for periodic datasets)."""
    earlier = (
        Record.objects.filter(
            subject=record_or_subject,
            period__dataset__key=period.dataset.key,
            period__end__lt=period.start,
        )
        .order_by("-period__end")
        .values_list("values", flat=True)
        .first()
    )
    return dict(earlier) if earlier is not None else None
