"""Subject screens: the list with Thai search, a subject's page, register, edit,
dissolve, and the province admin's review and merge of possible duplicates.

Views are thin: `policy` answers who may see and do what (out of scope is 404,
read-only is 403), `services` registers, checks duplicates and merges.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from khomun.accounts import audit, policy
from khomun.lib.thaidate import format_date
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records import services
from khomun.records.choices import Entity
from khomun.records.models import Change, Record, Subject
from khomun.records.subject_forms import DissolveForm, MergeForm, SubjectForm

PAGE_SIZE = 50

# Labels of a subject's snapshot keys, for its history.
SNAPSHOT_LABELS = {
    "kind": gettext_lazy("ประเภท"),
    "name": gettext_lazy("ชื่อ"),
    "orgunit": gettext_lazy("พื้นที่"),
    "national_id": gettext_lazy("เลขประจำตัวประชาชน"),
    "attributes": gettext_lazy("รายละเอียดอื่น"),
    "active_from": gettext_lazy("เริ่มดำเนินการ"),
    "dissolved_on": gettext_lazy("ยุบเลิกเมื่อ"),
    "merged_into": gettext_lazy("รวมเข้ากับรายการ"),
    "absorbed": gettext_lazy("รับรวมรายการ"),
    "records_moved": gettext_lazy("ข้อมูลที่ย้ายมา"),
}


def _subject_for_user(request: HttpRequest, subject_id: int) -> Subject:
    """The subject if the user may see its unit, else 404 (like `get_orgunit_for_user`)."""
    subject = Subject.objects.select_related("orgunit").filter(pk=subject_id).first()
    if subject is None or not policy.can_view(request.user, subject.orgunit):
        raise Http404
    return subject


@login_required
def subject_list(request: HttpRequest) -> HttpResponse:
    """The subjects under the user's unit (or a unit below it), searchable in Thai."""
    unit = policy.requested_unit(request)
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    subjects = services.search_subjects(request.user, query, kind=kind, under=unit, state=state)
    page = Paginator(subjects, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = services.subject_kinds()
    for subject in page:
        subject.kind_label = kinds.get(subject.kind, subject.kind)  # type: ignore[attr-defined]
    parent = unit.parent if unit.parent and policy.can_view(request.user, unit.parent) else None
    context = {
        "unit": unit,
        "parent": parent,
        "children": list(unit.children.order_by("code")) if unit.level != Level.VILLAGE else [],
        "page": page,
        "q": query,
        "kind": kind,
        "state": state,
        "kinds": kinds,
        "can_create": policy.can_record(request.user, unit) and unit.level != Level.COUNTRY,
        "can_review": policy.can_merge_subjects(request.user, unit),
    }
    return render(request, "records/subjects/list.html", context)


def _shown(key: str, value: Any, kinds: dict[str, str]) -> Any:
    """A snapshot value as a reader wants it: Thai kind labels, dates in BE, lists joined."""
    if value in (None, "", {}, []):
        return None
    if key == "kind":
        return kinds.get(value, value)
    if key in ("active_from", "dissolved_on"):
        return format_date(dt.date.fromisoformat(value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _describe(change: Change, kinds: dict[str, str]) -> list[tuple[Any, Any, Any]]:
    """(label, before, after) for each key a subject change touched."""
    before, after = change.before or {}, change.after or {}
    rows = []
    for key, label in SNAPSHOT_LABELS.items():
        old, new = _shown(key, before.get(key), kinds), _shown(key, after.get(key), kinds)
        if old != new:
            rows.append((label, old, new))
    return rows


@login_required
def subject_detail(request: HttpRequest, subject_id: int) -> HttpResponse:
    """A subject: its details, its records across periods and its history."""
    subject = _subject_for_user(request, subject_id)
    records = (
        Record.objects.filter(subject=subject)
        .select_related("period__dataset")
        .order_by("-period__end", "-pk")
    )
    merged_into = None
    if subject.merged_into_id:
        kept = Subject.objects.select_related("orgunit").get(pk=subject.merged_into_id)
        merged_into = kept if policy.can_view(request.user, kept.orgunit) else None
    changes = services.history(Entity.SUBJECT, subject.pk)
    if subject.national_id:
        audit.record_personal_read(request, "subject", subject.orgunit_path, subject=subject.pk)
    kinds = services.subject_kinds()
    context = {
        "subject": subject,
        "kind_label": kinds.get(subject.kind, subject.kind),
        "records": records,
        "history": [(c, _describe(c, kinds)) for c in changes],
        "merged_into": merged_into,
        "absorbed": Subject.objects.filter(merged_into=subject).select_related("orgunit"),
        "can_edit": policy.can_record(request.user, subject.orgunit) and not subject.merged_into_id,
        "dissolve_form": DissolveForm(),
    }
    return render(request, "records/subjects/detail.html", context)


def _show_duplicate(form: SubjectForm, exc: services.DuplicateSubject) -> None:
    """Put a duplicate warning on the form, with a link to the existing one if visible."""
    field = next(iter(exc.errors), None)
    form.add_error(field if field in form.fields else None, exc.message)
    form.duplicate = exc.existing if exc.visible else None  # type: ignore[attr-defined]
    form.soft_duplicate = not exc.hard  # type: ignore[attr-defined]


def _save_subject_form(
    request: HttpRequest, form: SubjectForm, subject: Subject | None
) -> Subject | None:
    """Register or change the subject from a valid form; None (with errors) if refused."""
    data = form.cleaned_data
    try:
        with transaction.atomic():  # a village made for a refused subject is not kept
            area = services.subject_area(request.user, data["orgunit"])
            details = {
                "name": data["name"],
                "orgunit": area,
                "national_id": data["national_id"],
                "active_from": data["active_from"],
                "confirm_duplicate": data["confirm_duplicate"],
            }
            if subject is None:
                return services.create_subject(request.user, kind=data["kind"], **details)
            return services.update_subject(request.user, subject, **details)
    except services.DuplicateSubject as exc:
        _show_duplicate(form, exc)
    except services.RecordError as exc:
        for field, errors in (exc.errors or {"": [exc.message]}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    return None


@login_required
def subject_create(request: HttpRequest) -> HttpResponse:
    """Register a subject under a unit of the user's scope (default: ?orgunit=)."""
    unit = policy.requested_unit(request)
    if not policy.can_record(request.user, unit):
        raise PermissionDenied
    kinds = services.subject_kinds()
    initial = {"orgunit": unit.code if unit.level != Level.PROVINCE else ""}
    initial["kind"] = request.GET.get("kind", "")
    form = SubjectForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        subject = _save_subject_form(request, form, None)
        if subject is not None:
            messages.success(request, _("บันทึก “%(name)s” แล้ว") % {"name": subject.name})
            return redirect("subject_detail", subject.pk)
    return render(request, "records/subjects/form.html", {"form": form, "subject": None})


@login_required
def subject_edit(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _subject_for_user(request, subject_id)
    policy.require_record(request.user, subject.orgunit)
    initial = {
        "kind": subject.kind,
        "name": subject.name,
        "orgunit": subject.orgunit.code,
        "national_id": subject.national_id,
        "active_from": subject.active_from,
    }
    kinds = services.subject_kinds()
    kinds.setdefault(subject.kind, subject.kind)
    form = SubjectForm(request.POST or None, kinds=kinds, initial=initial, editing=True)
    saved = request.method == "POST" and form.is_valid()
    if saved and _save_subject_form(request, form, subject) is not None:
        messages.success(request, _("บันทึกการแก้ไขแล้ว"))
        return redirect("subject_detail", subject.pk)
    return render(request, "records/subjects/form.html", {"form": form, "subject": subject})


@login_required
@require_POST
def subject_dissolve(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _subject_for_user(request, subject_id)
    policy.require_record(request.user, subject.orgunit)
    form = DissolveForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("dissolved_on", []):
            messages.error(request, str(error))
        return redirect("subject_detail", subject.pk)
    try:
        services.dissolve_subject(request.user, subject, form.cleaned_data["dissolved_on"])
    except services.RecordError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("บันทึกการยุบเลิกแล้ว"))
    return redirect("subject_detail", subject.pk)


def _review_province(request: HttpRequest) -> OrgUnit | None:
    """The province to review: ?province=, else the user's own; None lets a department
    admin choose one. 404 outside the scope, 403 for those who may not merge."""
    code = request.GET.get("province", "").strip()
    unit = policy.get_orgunit_for_user(request.user, code) if code else None
    unit = unit or policy.primary_unit(request.user)
    if unit is None:
        raise Http404
    if not policy.can_merge_subjects(request.user, unit):
        raise PermissionDenied
    if unit.level == Level.COUNTRY:
        return None
    if unit.level != Level.PROVINCE:
        raise Http404
    return unit


@login_required
def subject_duplicates(request: HttpRequest) -> HttpResponse:
    """Possible duplicates in a province, for its admin to merge."""
    province = _review_province(request)
    if province is None:
        provinces = OrgUnit.objects.filter(level=Level.PROVINCE, has_cdd_office=True)
        return render(request, "records/subjects/duplicates.html", {"provinces": provinces})
    groups = services.possible_duplicates(request.user, province)
    ids = [s.pk for g in groups for s in g.subjects]
    counts = dict(
        Record.objects.filter(subject__in=ids)
        .values("subject")
        .annotate(n=Count("pk"))
        .values_list("subject", "n")
    )
    kinds = services.subject_kinds()
    rows = [
        (g, kinds.get(g.kind, g.kind), [(s, counts.get(s.pk, 0)) for s in g.subjects])
        for g in groups
    ]
    context = {"province": province, "rows": rows}
    return render(request, "records/subjects/duplicates.html", context)


@login_required
@require_POST
def subject_merge(request: HttpRequest, subject_id: int) -> HttpResponse:
    """Merge this subject into another (`into`): its records move, it points there."""
    remove = _subject_for_user(request, subject_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        if not policy.can_merge_subjects(request.user, remove.orgunit):
            raise PermissionDenied
        messages.error(request, _("กรุณาเลือกรายการที่จะเก็บไว้"))
        return redirect("subject_detail", remove.pk)
    keep = _subject_for_user(request, form.cleaned_data["into"])
    try:
        services.merge_subjects(request.user, keep, remove)
    except services.RecordError as exc:
        messages.error(request, exc.message)
        province = remove.orgunit.code[:2]
        return redirect(reverse("subject_duplicates") + f"?province={province}")
    messages.success(
        request,
        _("รวม “%(removed)s” เข้ากับ “%(kept)s” แล้ว") % {"removed": remove.name, "kept": keep.name},
    )
    return redirect("subject_detail", keep.pk)
