"""The data-quality review: a district's (or a province's) flags for one period, each
markable as confirmed (correct as entered) or corrected.

Thin views: `policy` finds the unit (out of scope is 404, read-only roles get 403 on
marking), `quality` finds and explains the flags.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khomun.accounts import policy
from khomun.monitoring import quality
from khomun.monitoring.models import QualityFlag
from khomun.orgunits.choices import Level
from khomun.records.models import Record
from khomun.records.progress import get_period

REVIEW_LEVELS = (Level.PROVINCE, Level.DISTRICT)
DECISIONS = (QualityFlag.Status.CONFIRMED, QualityFlag.Status.CORRECTED)


@login_required
def quality_review(
    request: HttpRequest, fiscal_year: int, code: str, dataset_key: str, period_number: int
) -> HttpResponse:
    unit = policy.get_orgunit_for_user(request.user, code)
    if unit.level not in REVIEW_LEVELS:
        raise Http404
    period = get_period(fiscal_year, dataset_key, period_number)
    version = period.dataset.current
    if version is None:
        raise Http404
    flags = quality.refresh_flags(period, unit)
    defn = version.parsed
    show = request.GET.get("show", "open")
    rows = [
        {
            "flag": f,
            "text": quality.explain(f, defn),
            "may_mark": policy.can_record(request.user, f.record.orgunit),
        }
        for f in flags
        if show == "all" or f.status == QualityFlag.Status.OPEN
    ]
    open_count = sum(1 for f in flags if f.status == QualityFlag.Status.OPEN)
    context = {
        "unit": unit,
        "period": period,
        "dataset": period.dataset,
        "rows": rows,
        "show": show,
        "open_count": open_count,
        "decided_count": len(flags) - open_count,
    }
    return render(request, "monitoring/quality/review.html", context)


@login_required
@require_POST
def quality_mark(request: HttpRequest, record_id: int) -> HttpResponse:
    """Confirm or correct one flag of a record; `back` is the unit code to return to."""
    record = get_object_or_404(Record.objects.select_related("period__dataset"), pk=record_id)
    policy.require_record(request.user, record.orgunit)
    flag = get_object_or_404(QualityFlag, pk=request.POST.get("flag") or 0, record=record)
    status = request.POST.get("status", "")
    if status not in DECISIONS:
        messages.error(request, _("โปรดเลือกว่าข้อมูลถูกต้องแล้วหรือแก้ไขแล้ว"))
    else:
        flag.status = status
        flag.comment = request.POST.get("comment", "").strip()
        flag.decided_by = request.user  # type: ignore[assignment]  # login_required
        flag.decided_at = timezone.now()
        flag.save(update_fields=["status", "comment", "decided_by", "decided_at"])
        messages.success(request, _("บันทึกผลการตรวจสอบแล้ว"))
    back = request.POST.get("back", "")
    unit = record.orgunit
    if back:
        unit = policy.get_orgunit_for_user(request.user, back)
    dataset = record.period.dataset
    return redirect(
        "quality_review", dataset.fiscal_year, unit.code, dataset.key, record.period.number
    )
