"""A province's own deadlines for its districts, per period of the fiscal year.

Who sees what: the page of a province is open to everyone in it or above it (a
district sees the date that applies to it), out of scope is 404; only the
province's admin (or the department) may change a date, others get 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khomun.accounts import policy
from khomun.catalog.models import Dataset
from khomun.lib.thaidate import fiscal_year, format_date
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.schedule import services
from khomun.schedule.forms import DeadlineForm
from khomun.schedule.models import Period


def _province_for(request: HttpRequest, code: str) -> OrgUnit:
    """The province if the user works in it or above it; otherwise 404."""
    unit = OrgUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    if unit is None or not policy.visible_or_ancestor(request.user, unit):
        raise Http404
    return unit


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and 2500 <= int(text) <= 2700:
        return int(text)
    return fiscal_year(timezone.localdate())


def _form(period: Period, data: Any = None, own: dt.date | None = None) -> DeadlineForm:
    return DeadlineForm(data, prefix=f"p{period.pk}", initial={"due": own})


def _row(
    period: Period,
    province: OrgUnit,
    own: dict[tuple[int, str], dt.date],
    form: DeadlineForm | None = None,
) -> dict[str, Any]:
    own_due = own.get((period.pk, province.code))
    return {
        "period": period,
        "own": own_due,
        "applies": services.due_for(period, province, own),
        "form": form or _form(period, own=own_due),
    }


@login_required
def deadline_index(request: HttpRequest) -> HttpResponse:
    """The way in: a province's page for its people, a list of provinces for the department."""
    unit = policy.primary_unit(request.user)
    if unit is None:
        raise PermissionDenied
    if unit.level != Level.COUNTRY:
        return redirect("province_deadlines", code=unit.code[:2])
    provinces = policy.visible_orgunits(request.user).filter(level=Level.PROVINCE).order_by("code")
    return render(request, "schedule/provinces.html", {"provinces": provinces})


@login_required
def province_deadlines(request: HttpRequest, code: str) -> HttpResponse:
    province = _province_for(request, code)
    return _page(request, province, _year(request))


def _page(
    request: HttpRequest,
    province: OrgUnit,
    year: int,
    bound: DeadlineForm | None = None,
    bound_period: int | None = None,
) -> HttpResponse:
    periods = services.periods_for_year(year)
    own = services.province_deadlines(periods, province.code)
    rows = [_row(p, province, own, bound if p.pk == bound_period else None) for p in periods]
    years = (
        Dataset.objects.filter(current__isnull=False)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )
    context = {
        "province": province,
        "year": year,
        "years": sorted(set(years) | {year}, reverse=True),
        "rows": rows,
        "can_edit": policy.can_set_province_deadline(request.user, province),
    }
    return render(request, "schedule/deadlines.html", context)


@login_required
@require_POST
def province_deadline_set(request: HttpRequest, code: str, period_id: int) -> HttpResponse:
    """Set (or, left empty, clear) the province's own deadline of one period."""
    province = _province_for(request, code)
    if not policy.can_set_province_deadline(request.user, province):
        raise PermissionDenied
    period = get_object_or_404(
        Period.objects.select_related("dataset"), pk=period_id, dataset__current__isnull=False
    )
    form = _form(period, request.POST)
    if form.is_valid():
        try:
            services.set_province_deadline(request.user, period, province, form.cleaned_data["due"])
        except services.ScheduleError as exc:
            form.add_error("due", exc.message)
    saved = not form.errors
    if request.headers.get("HX-Request"):
        own = services.province_deadlines([period], province.code)
        row = _row(period, province, own, None if saved else form)
        context = {"row": row, "province": province, "can_edit": True, "saved": saved}
        return render(request, "schedule/_deadline_row.html", context)
    year = period.dataset.fiscal_year
    if not saved:
        return _page(request, province, year, form, period.pk)
    due = form.cleaned_data["due"]
    messages.success(
        request,
        _("บันทึกกำหนดส่งของจังหวัดสำหรับ %(period)s แล้ว: %(due)s")
        % {
            "period": f"{period.dataset.name_th} {period.label_th}",
            "due": format_date(due) if due else _("ใช้กำหนดส่งของกรม"),
        },
    )
    return redirect(f"{reverse('province_deadlines', args=[province.code])}?year={year}")
