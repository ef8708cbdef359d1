"""Approval: the district head submits the district's period, the province admin
approves it or returns it with a comment.

The state machine of a record (records.choices.RecordState):

    draft ──submit──▶ submitted ──approve──▶ approved
      ▲                 │    ▲                  │
      └──(edit)── returned ◀─┴──return──────────┘

Every move is one UPDATE that checks the state and the optimistic `version` and
bumps it, and one `Change` row (who, when, before and after state, the comment).
Scope: outside it is 404 (`policy.require_view`); inside it without the right is 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khomun.accounts import policy
from khomun.catalog.validation import validate_values
from khomun.lib.thaidate import format_date
from khomun.monitoring import summary
from khomun.monitoring.completeness import Gap, gaps
from khomun.monitoring.locking import is_open_for
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import ChangeAction, Entity, RecordState
from khomun.records.models import Change, Record
from khomun.records.services import ConflictError, LockedError, RecordError, log_change
from khomun.schedule.models import Period

MAX_COMMENT = 2000


class TransitionError(RecordError):
    """The record is not in a state this move starts from."""

    status = 409


# ---------------------------------------------------------------- who may move what


def _require_approver(actor: Any, unit: OrgUnit) -> None:
    policy.require_view(actor, unit)
    if not policy.can_approve(actor, unit):
        raise PermissionDenied


# ---------------------------------------------------------------- one record


def _move(
    actor: Any,
    record: Record,
    *,
    to: str,
    allowed_from: tuple[str, ...],
    action: str,
    comment: str = "",
    expected_version: int | None = None,
    **extra: Any,
) -> Record:
    """Move one record to state `to`; refuse a wrong state or a stale version."""
    if record.state not in allowed_from:
        label = RecordState(record.state).label
        raise TransitionError(_("ทำรายการนี้ไม่ได้ เพราะข้อมูลอยู่ในสถานะ “%(state)s”") % {"state": label})
    version = expected_version if expected_version is not None else record.version
    now = timezone.now()
    with transaction.atomic():
        changed = Record.objects.filter(pk=record.pk, version=version, state=record.state).update(
            state=to,
            version=F("version") + 1,
            updated_by=actor if getattr(actor, "pk", None) else None,
            updated_at=now,
            **extra,
        )
        if not changed:
            raise ConflictError(_("มีผู้อื่นแก้ไขรายการนี้ก่อนท่าน โปรดเปิดรายการใหม่แล้วลองอีกครั้ง"))
        summary.touch_record(record)
        log_change(
            Entity.RECORD,
            record.pk,
            action,
            actor,
            orgunit_path=record.orgunit_path,
            before={"state": record.state},
            after={"state": to},
            comment=comment,
        )
    record.refresh_from_db()
    return record


def _clean_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        message = _("เหตุผลที่ส่งกลับ: กรุณาระบุให้ผู้บันทึกทราบว่าต้องแก้ไขอะไร")
        raise RecordError(message, {"comment": [message]})
    if len(comment) > MAX_COMMENT:
        message = _("เหตุผลที่ส่งกลับ: ยาวเกิน %(max)s ตัวอักษร") % {"max": MAX_COMMENT}
        raise RecordError(message, {"comment": [message]})
    return comment


def approve_record(actor: Any, record: Record, *, expected_version: int | None = None) -> Record:
    """submitted → approved; from then on read-only below the province."""
    _require_approver(actor, record.orgunit)
    return _move(
        actor,
        record,
        to=RecordState.APPROVED,
        allowed_from=(RecordState.SUBMITTED,),
        action=ChangeAction.APPROVE,
        expected_version=expected_version,
    )


def return_record(
    actor: Any, record: Record, comment: str, *, expected_version: int | None = None
) -> Record:
    """submitted (or approved) → returned with a comment; editable again."""
    _require_approver(actor, record.orgunit)
    comment = _clean_comment(comment)
    return _move(
        actor,
        record,
        to=RecordState.RETURNED,
        allowed_from=(RecordState.SUBMITTED, RecordState.APPROVED),
        action=ChangeAction.RETURN,
        comment=comment,
        expected_version=expected_version,
        return_comment=comment,
    )


# ---------------------------------------------------------------- a district's period


@dataclass(frozen=True)
class DistrictSubmission:
    submitted: list[Record]
    blocking: list[Gap]  # still missing or incomplete after the submission


def district_records(period: Period, district: OrgUnit) -> QuerySet[Record]:
    """The records a district's office keeps for a period."""
    return Record.objects.filter(period=period, orgunit_path__startswith=district.path)


def _require_district(unit: OrgUnit) -> None:
    if unit.level != Level.DISTRICT:
        message = _("ส่งหรืออนุมัติได้เฉพาะรายอำเภอ")
        raise RecordError(message, {"orgunit": [message]})


def submit_district(
    actor: Any, period: Period, district: OrgUnit, *, today: dt.date | None = None
) -> DistrictSubmission:
    """Submit every complete draft or returned record of the district in the period;
    the missing and incomplete ones are listed as blocking. Late is fine until the lock."""
    policy.require_view(actor, district)
    if not policy.can_submit_district(actor, district):
        raise PermissionDenied
    _require_district(district)
    today = today or timezone.localdate()
    if not is_open_for(period, district, today):
        message = _("งวดนี้ปิดรับข้อมูลแล้วตั้งแต่ %(date)s") % {"date": format_date(period.lock)}
        raise LockedError(message)
    waiting = district_records(period, district).filter(
        state__in=(RecordState.DRAFT, RecordState.RETURNED), complete=True
    )
    submitted = []
    for record in waiting.select_related("dataset_version"):
        result = validate_values(record.dataset_version.parsed, record.values, require_all=True)
        if result.errors:
            continue  # stays a draft, and shows among the blocking ones
        now = timezone.now()
        moved = _move(
            actor,
            record,
            to=RecordState.SUBMITTED,
            allowed_from=(RecordState.DRAFT, RecordState.RETURNED),
            action=ChangeAction.SUBMIT,
            submitted_at=now,
            submitted_by=actor if getattr(actor, "pk", None) else None,
        )
        submitted.append(moved)
    return DistrictSubmission(submitted, gaps(period, district))


def approve_district(actor: Any, period: Period, district: OrgUnit) -> list[Record]:
    """Approve every submitted record of the district in the period."""
    _require_approver(actor, district)
    _require_district(district)
    waiting = district_records(period, district).filter(state=RecordState.SUBMITTED)
    return [approve_record(actor, record) for record in waiting]


def return_district(
    actor: Any,
    period: Period,
    district: OrgUnit,
    comment: str,
    *,
    record_ids: list[int] | None = None,
) -> list[Record]:
    """Return the district's submitted records (all, or the chosen ones) with a comment."""
    _require_approver(actor, district)
    _require_district(district)
    comment = _clean_comment(comment)
    chosen = district_records(period, district).filter(
        state__in=(RecordState.SUBMITTED, RecordState.APPROVED)
    )
    if record_ids is not None:
        chosen = chosen.filter(pk__in=record_ids)
    return [return_record(actor, record, comment) for record in chosen]


def district_history(period: Period, district: OrgUnit, limit: int = 50) -> list[Change]:
    """The submits, approvals and returns of the district's records in the period."""
    moves = (ChangeAction.SUBMIT, ChangeAction.APPROVE, ChangeAction.RETURN)
    ids = district_records(period, district).values("pk")
    return list(
        Change.objects.filter(entity=Entity.RECORD, entity_id__in=ids, action__in=moves)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
