"""Data entry: a period's page, the entry form, and a record's page with its history.

Views are thin: `progress` reads (scoped through `policy`), `services` writes and
validates. Out of scope is 404; read-only roles get 403 on every write screen.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from khomun.accounts import audit, policy
from khomun.catalog.definition import DatasetDefinition
from khomun.monitoring import completeness
from khomun.monitoring.locking import is_open_for
from khomun.orgunits.models import OrgUnit
from khomun.records import progress, services
from khomun.records.choices import ChangeAction, RecordState
from khomun.records.forms import RecordForm, describe_change, display_value
from khomun.records.models import Record, Subject
from khomun.schedule.models import Period
from khomun.schedule.services import due_for


def _lang() -> str:
    return "en" if get_language() == "en" else "th"


def _subject_label(defn: DatasetDefinition) -> str:
    if defn.subject is None:
        return ""
    return (
        defn.subject.label_en
        if _lang() == "en" and defn.subject.label_en
        else defn.subject.label_th
    )


@login_required
def period_detail(
    request: HttpRequest, fiscal_year: int, dataset_key: str, period_number: int
) -> HttpResponse:
    """What one period expects of a unit, and where each expected record stands."""
    period = progress.get_period(fiscal_year, dataset_key, period_number)
    unit = policy.requested_unit(request)
    defn = progress.definition_of(period)
    locked = not is_open_for(period, unit, timezone.localdate())
    records_here = unit.level in defn.levels
    context: dict[str, Any] = {
        "period": period,
        "dataset": period.dataset,
        "unit": unit,
        "due": due_for(period, unit),
        "locked": locked,
        "counts": progress.counts_for([period], unit)[period.pk],
        "records_here": records_here,
        "can_record": policy.can_record(request.user, unit) and not locked,
        "children": [] if records_here else completeness.child_units(unit),
        "has_subjects": defn.subject is not None,
        "subject_label": _subject_label(defn),
    }
    if defn.subject is not None:
        context["rows"] = progress.period_sheet(period, unit, request.GET.get("page"))
    elif records_here:
        context["unit_record"] = progress.existing_record(period, unit=unit)
    context["unit_status"] = progress.STATUS_LABELS[
        progress.record_status(context.get("unit_record"))
    ]
    return render(request, "records/period.html", context)


def _new_target(request: HttpRequest, defn: DatasetDefinition) -> tuple[Subject | None, OrgUnit]:
    """(subject, recording unit) of a new record: ?subject=ID, or ?orgunit=CODE."""
    subject_id = request.GET.get("subject", "")
    if not subject_id:
        return None, policy.requested_unit(request)
    if defn.subject is None or not subject_id.isdigit():
        raise Http404
    subject = progress.get_subject_for_user(request.user, int(subject_id), defn.subject.kind)
    return subject, services.recording_unit(subject)


@login_required
def record_new(
    request: HttpRequest, fiscal_year: int, dataset_key: str, period_number: int
) -> HttpResponse:
    """Enter a new record: for an existing subject, a new subject, or the unit itself."""
    period = progress.get_period(fiscal_year, dataset_key, period_number)
    defn = progress.definition_of(period)
    subject, unit = _new_target(request, defn)
    policy.require_record(request.user, unit)
    existing = progress.existing_record(period, subject=subject, unit=unit)
    if existing is not None and (subject is not None or defn.subject is None):
        return redirect("record_edit", existing.pk)
    if not is_open_for(period, unit, timezone.localdate()) or (
        subject is None and unit.level not in defn.levels
    ):
        messages.error(request, _closed_message(period, unit, defn))
        return redirect(progress.period_url(period, unit))
    if request.method == "POST":
        form = RecordForm(defn, lang=_lang(), data=request.POST)
        return _save_new(request, form, period, subject, unit)
    values: dict[str, object] = dict(subject.attributes) if subject else {}
    previous = _previous(subject, period, defn)
    if previous and request.GET.get("copy") == "previous":
        values.update(previous)
    form = RecordForm(defn, lang=_lang(), values=values)
    return _render_form(
        request, form, period, unit, subject=subject, previous_available=bool(previous)
    )


def _closed_message(period: Period, unit: OrgUnit, defn: DatasetDefinition) -> str:
    if not is_open_for(period, unit, timezone.localdate()):
        return _("งวดนี้ปิดรับข้อมูลแล้ว")
    return _("%(unit)s ไม่ได้เป็นผู้บันทึกฐานข้อมูลนี้ โปรดเลือกหน่วยงานที่บันทึก") % {"unit": unit.full_name}


def _previous(
    subject: Subject | None, period: Period, defn: DatasetDefinition
) -> dict[str, Any] | None:
    """The subject's values of the period before, offered on periodic datasets."""
    if subject is None or defn.periods.count < 2:
        return None
    return services.previous_values(subject, period)


def _save_new(
    request: HttpRequest,
    form: RecordForm,
    period: Period,
    subject: Subject | None,
    unit: OrgUnit,
) -> HttpResponse:
    try:
        record = services.save_record(
            request.user,
            period,
            form.values(),
            subject=subject,
            orgunit=None if subject else unit,
            confirm_duplicate=form.confirmed,
        )
    except services.DuplicateSubject as exc:
        return _render_form(request, form, period, unit, subject=subject, failure=exc)
    except services.RecordError as exc:  # also LockedError, and ConflictError: already recorded
        existing = None
        if isinstance(exc, services.ConflictError):
            existing = progress.existing_record(period, subject=subject, unit=unit)
        return _render_form(
            request, form, period, unit, subject=subject, failure=exc, existing=existing
        )
    return _after_save(request, form, record)


@login_required
def record_edit(request: HttpRequest, record_id: int) -> HttpResponse:
    """Change a record; the form carries the version it started from (optimistic locking)."""
    record = progress.get_record_for_user(request.user, record_id)
    policy.require_record(request.user, record.orgunit)
    open_now = is_open_for(record.period, record.orgunit, timezone.localdate())
    if record.state == RecordState.APPROVED or not open_now:
        messages.info(request, _("ข้อมูลนี้แก้ไขไม่ได้แล้ว (งวดปิดรับข้อมูลหรือได้รับอนุมัติแล้ว)"))
        return redirect("record_detail", record.pk)
    defn = record.dataset_version.parsed
    if request.method == "POST":
        form = RecordForm(defn, lang=_lang(), data=request.POST)
        return _save_existing(request, form, record)
    values = dict(record.values)
    previous = _previous(record.subject, record.period, defn)
    if previous and request.GET.get("copy") == "previous":
        values.update(previous)
    form = RecordForm(defn, lang=_lang(), values=values, version=record.version)
    return _render_form(
        request,
        form,
        record.period,
        record.orgunit,
        subject=record.subject,
        record=record,
        previous_available=bool(previous),
    )


def _save_existing(request: HttpRequest, form: RecordForm, record: Record) -> HttpResponse:
    try:
        saved = services.save_record(
            request.user,
            record.period,
            form.values(),
            record=record,
            expected_version=form.posted_version(),
        )
    except services.ConflictError as exc:
        # Someone saved first: keep what this user typed, show theirs, and let the
        # next save go over the version now shown (the user has seen it).
        current = progress.get_record_for_user(request.user, record.pk)
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = RecordForm(form.defn, lang=_lang(), data=data)
        return _render_form(
            request,
            form,
            current.period,
            current.orgunit,
            subject=current.subject,
            record=current,
            failure=exc,
            conflict=current,
        )
    except services.RecordError as exc:
        return _render_form(
            request,
            form,
            record.period,
            record.orgunit,
            subject=record.subject,
            record=record,
            failure=exc,
        )
    return _after_save(request, form, saved)


def _after_save(request: HttpRequest, form: RecordForm, record: Record) -> HttpResponse:
    """Submit when asked; a refused submit keeps the saved draft and shows why."""
    if request.POST.get("action") != "submit":
        messages.success(request, _("บันทึกฉบับร่างแล้ว"))
        return redirect("record_edit", record.pk)
    try:
        services.submit_record(request.user, record, expected_version=record.version)
    except services.RecordError as exc:
        data = request.POST.copy()
        data["version"] = str(record.version)
        form = RecordForm(form.defn, lang=_lang(), data=data)
        return _render_form(
            request,
            form,
            record.period,
            record.orgunit,
            subject=record.subject,
            record=record,
            failure=exc,
        )
    messages.success(request, _("ส่งข้อมูลเรียบร้อยแล้ว"))
    return redirect(progress.period_url(record.period, record.orgunit))


def _render_form(
    request: HttpRequest,
    form: RecordForm,
    period: Period,
    unit: OrgUnit,
    *,
    subject: Subject | None = None,
    record: Record | None = None,
    failure: services.RecordError | None = None,
    conflict: Record | None = None,
    existing: Record | None = None,
    previous_available: bool = False,
) -> HttpResponse:
    errors = failure.errors if failure else {}
    duplicate = failure if isinstance(failure, services.DuplicateSubject) else None
    context = {
        "form": form,
        "entries": form.entries(errors, saved=conflict.values if conflict else None),
        "other_errors": form.other_errors(errors),
        "failure": failure,
        "conflict": conflict,
        "existing": existing,
        "duplicate": duplicate,
        "duplicate_visible": duplicate is not None
        and policy.can_view(request.user, duplicate.existing.orgunit),
        "period": period,
        "dataset": period.dataset,
        "defn": form.defn,
        "subject_label": _subject_label(form.defn),
        "unit": unit,
        "subject": subject,
        "record": record,
        "due": due_for(period, unit),
        "previous_available": previous_available,
        "copy_url": _copy_url(request),
        "villages": progress.villages_under(unit)
        if any(f.type == "orgunit" for f in form.defn.fields)
        else [],
        "period_url": progress.period_url(period, unit),
    }
    return render(request, "records/entry_form.html", context)


def _copy_url(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["copy"] = "previous"
    return f"{request.path}?{query.urlencode()}"


@login_required
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    """A record's values and its history: who, when, what, old → new."""
    record = progress.get_record_for_user(request.user, record_id)
    defn = record.dataset_version.parsed
    lang = _lang()
    values = [
        (f.label(lang), display_value(f, record.values.get(f.key), lang))
        for f in defn.fields
        if f.key in record.values or f.required
    ]
    changes = [
        {"change": c, "fields": describe_change(defn, c.before, c.after, lang)}
        for c in services.history("record", record.pk)
    ]
    personal = [f.key for f in defn.fields if f.type in ("national_id", "phone")]
    if any(record.values.get(key) for key in personal):
        audit.record_personal_read(request, "record", record.orgunit_path, record=record.pk)
    editable = (
        policy.can_record(request.user, record.orgunit)
        and record.state != RecordState.APPROVED
        and is_open_for(record.period, record.orgunit, timezone.localdate())
    )
    context = {
        "record": record,
        "period": record.period,
        "dataset": record.period.dataset,
        "values": values,
        "changes": changes,
        "editable": editable,
        "status_label": progress.STATUS_LABELS[progress.record_status(record)],
        "period_url": progress.period_url(record.period, record.orgunit),
        "edit_url": reverse("record_edit", args=[record.pk]),
        "create_action": ChangeAction.CREATE,
    }
    return render(request, "records/record_detail.html", context)
