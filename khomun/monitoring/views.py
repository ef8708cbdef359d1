"""The monitoring screens: the matrix (children × periods), a unit's period with its
missing and incomplete subjects, and the approval, return and reopening actions.

Thin views: `policy` finds the unit (out of scope is 404), `completeness` and
`matrix` count, `approval` and `locking` change things and refuse with 403 or a
Thai message. Every screen exports to .xlsx with ?format=xlsx.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from khomun.accounts import policy
from khomun.catalog.models import Dataset
from khomun.lib.thaidate import fiscal_year as fiscal_year_of
from khomun.lib.thaidate import format_date
from khomun.monitoring import approval, completeness, export, locking, matrix
from khomun.monitoring.completeness import Figures
from khomun.monitoring.forms import ReopenForm, ReturnForm
from khomun.monitoring.labels import DISTRICT_STATES, FIGURE_LABELS
from khomun.monitoring.models import Reopening
from khomun.monitoring.templatetags.monitoring_tags import percent
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.records.choices import RecordState
from khomun.records.progress import get_period, period_url
from khomun.records.services import RecordError
from khomun.schedule.models import Period
from khomun.schedule.services import due_for


@login_required
def monitoring_home(request: HttpRequest) -> HttpResponse:
    """The matrix of the user's own unit for the current fiscal year."""
    unit = policy.primary_unit(request.user)
    if unit is None:
        raise Http404
    return redirect("monitoring_matrix", fiscal_year_of(timezone.localdate()), unit.code)


# ---------------------------------------------------------------- the matrix


def _chosen_periods(request: HttpRequest) -> dict[str, int]:
    """?p_<dataset key>=N picks a dataset's period in the all-datasets view."""
    chosen = {}
    for key in request.GET:
        value = request.GET.get(key, "")
        if key.startswith("p_") and value.isdigit():
            chosen[key[2:]] = int(value)
    return chosen


def _sort_url(request: HttpRequest, key: str, current: str, descending: bool) -> str:
    query = request.GET.copy()
    query.pop("format", None)
    query["sort"] = key
    query["dir"] = "asc" if key == current and descending else "desc"
    if key in ("code", "name") and key != current:
        query["dir"] = "asc"
    return f"{request.path}?{query.urlencode()}"


def _years() -> list[int]:
    years = Dataset.objects.filter(current__isnull=False).values_list("fiscal_year", flat=True)
    return sorted(set(years), reverse=True)


@login_required
def matrix_view(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    unit = policy.get_orgunit_for_user(request.user, code)
    m = matrix.build(
        unit,
        fiscal_year,
        dataset_key=request.GET.get("dataset", ""),
        chosen=_chosen_periods(request),
        today=timezone.localdate(),
    )
    sort, descending = request.GET.get("sort", "code"), request.GET.get("dir") == "desc"
    m.rows = matrix.sort_rows(m.rows, sort, descending)
    if request.GET.get("format") == "xlsx":
        return export.response(f"khomun-{unit.code}-{fiscal_year}", [export.matrix_sheet(m)])
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("dir", None)
    context: dict[str, Any] = {
        "m": m,
        "table": _table(m),
        "unit": unit,
        "ancestors": _way_up(request.user, unit),
        "years": _years(),
        "datasets": _datasets_of(m, fiscal_year),
        "headers": [
            (column, _sort_url(request, str(i), sort, descending), _arrow(str(i), sort, descending))
            for i, column in enumerate(m.columns)
        ],
        "name_sort": (
            _sort_url(request, "name", sort, descending),
            _arrow("name", sort, descending),
        ),
        "keep_query": query.urlencode(),
        "export_url": f"{request.path}?{_with(request, format='xlsx')}",
    }
    return render(request, "monitoring/matrix.html", context)


_CELL = (
    '<td class="cell cell-{colour}" data-testid="cell-{code}-{key}-{number}" '
    'data-colour="{colour}"><a href="{href}" title="{title}">{rate}'
    "<small>{complete}/{expected}</small></a></td>"
)


def _table(m: matrix.Matrix) -> list[tuple[matrix.Row, str, SafeString]]:
    """Each row with its link and its cells' HTML, made here: as template tags (a
    `{% url %}`, a `{% blocktranslate %}` and ten variables per cell) they took most
    of the page's time, 33 rows × 30 columns for a large province."""
    # Each text escaped once, not per cell: the figures put into them are numbers.
    title = escape(_("ต้องบันทึก %(e)s · บันทึกแล้ว %(r)s · ครบถ้วน %(c)s · ส่งแล้ว %(s)s · อนุมัติ %(a)s"))
    columns = [(escape(c.period.dataset.key), c.period.number) for c in m.columns]
    table = []
    for row in [*m.rows, m.total]:
        base = reverse("monitoring_matrix", args=[m.fiscal_year, row.unit.code])
        code, href = escape(row.unit.code), escape(base)
        cells = []
        for (key, number), f in zip(columns, row.cells, strict=True):
            figures = {"e": f.expected, "r": f.recorded, "c": f.complete}
            figures |= {"s": f.submitted, "a": f.approved}
            cells.append(
                _CELL.format(
                    colour=f.colour,
                    code=code,
                    key=key,
                    number=number,
                    href=f"{href}{key}/{number}/",
                    title=title % figures,
                    rate=percent(f.complete_rate),
                    complete=f.complete,
                    expected=f.expected,
                )
            )
        table.append((row, base, mark_safe("".join(cells))))  # every part escaped above
    return table


def _arrow(key: str, current: str, descending: bool) -> str:
    if key != current:
        return ""
    return "▼" if descending else "▲"


def _with(request: HttpRequest, **params: str) -> str:
    query = request.GET.copy()
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


def _datasets_of(m: matrix.Matrix, fiscal_year: int) -> list[Dataset]:
    if m.dataset is not None:
        return list(
            Dataset.objects.filter(fiscal_year=fiscal_year, current__isnull=False).order_by(
                "order", "key"
            )
        )
    return [c.period.dataset for c in m.columns]


def _way_up(user: Any, unit: OrgUnit) -> list[OrgUnit]:
    """The units above `unit` that the user may open: the crumbs of a drill-down."""
    return [a for a in unit.ancestors() if policy.can_view(user, a)]


# ---------------------------------------------------------------- one period of one unit


def _district_state(figures: Figures) -> str:
    if figures.expected == 0 and figures.recorded == 0:
        return "nothing"
    if figures.returned:
        return "returned"
    if figures.approved and figures.approved >= max(figures.expected, figures.submitted):
        return "approved"
    if figures.submitted > figures.approved:
        return "waiting"
    return "open"


def _period_and_unit(
    request: HttpRequest, fiscal_year: int, code: str, dataset_key: str, period_number: int
) -> tuple[Period, OrgUnit]:
    unit = policy.get_orgunit_for_user(request.user, code)
    return get_period(fiscal_year, dataset_key, period_number), unit


@login_required
def period_view(
    request: HttpRequest, fiscal_year: int, code: str, dataset_key: str, period_number: int
) -> HttpResponse:
    period, unit = _period_and_unit(request, fiscal_year, code, dataset_key, period_number)
    result = completeness.rollup([period], unit, matrix.rows_of(unit))[period.pk]
    is_district = unit.level == Level.DISTRICT
    gap_list = completeness.gaps(period, unit) if unit.level not in _ABOVE_DISTRICT else []
    if request.GET.get("format") == "xlsx":
        sheets = [export.children_sheet(result)] if result.children else []
        sheets.append(export.gaps_sheet(result, gap_list))
        name = f"khomun-{unit.code}-{period.dataset.key}-{fiscal_year}-{period.number}"
        return export.response(name, sheets)
    today = timezone.localdate()
    open_now = locking.is_open_for(period, unit, today)
    context: dict[str, Any] = {
        "period": period,
        "dataset": period.dataset,
        "unit": unit,
        "result": result,
        "figures": _figure_rows(result.total),
        "due": due_for(period, unit),
        "locked": period.is_locked(today),
        "open_now": open_now,
        "ancestors": _way_up(request.user, unit),
        "gaps": gap_list,
        "can_record": open_now and policy.can_record(request.user, unit),
        "record_url": period_url(period, unit),
        "export_url": f"{request.path}?{_with(request, format='xlsx')}",
        "matrix_url": reverse("monitoring_matrix", args=[fiscal_year, unit.code])
        + f"?dataset={period.dataset.key}",
    }
    if is_district:
        context.update(_district_context(request, period, unit, result.total, today))
    return render(request, "monitoring/period.html", context)


_ABOVE_DISTRICT = (Level.COUNTRY, Level.PROVINCE)


def _figure_rows(figures: Figures) -> list[tuple[str, int]]:
    names = ("expected", "recorded", "complete", "submitted", "approved", "returned")
    rows = [(str(FIGURE_LABELS[n]), getattr(figures, n)) for n in names]
    rows += [(str(FIGURE_LABELS[n]), getattr(figures, n)) for n in ("on_time", "late", "missing")]
    return rows


def _district_context(
    request: HttpRequest, period: Period, district: OrgUnit, figures: Figures, today: Any
) -> dict[str, Any]:
    """The approval panel: where the district stands and what this user may do."""
    user = request.user
    state = _district_state(figures)
    returned = approval.district_records(period, district).filter(state=RecordState.RETURNED)
    return {
        "district_state": state,
        "district_state_label": DISTRICT_STATES[state],
        "returned": list(returned.select_related("subject").order_by("id")[:200]),
        "may_submit": policy.can_submit_district(user, district),
        "may_approve": policy.can_approve(user, district),
        "history": approval.district_history(period, district),
        "reopenings": list(
            Reopening.objects.filter(period=period, district=district).select_related("by")[:20]
        ),
        "reopened_until": locking.reopened_until(period, district, today),
        "return_form": ReturnForm(),
        "reopen_form": ReopenForm(),
    }


# ---------------------------------------------------------------- actions


def _back(period: Period, unit: OrgUnit) -> HttpResponse:
    dataset = period.dataset
    return redirect("monitoring_period", dataset.fiscal_year, unit.code, dataset.key, period.number)


@login_required
@require_POST
def submit_view(
    request: HttpRequest, fiscal_year: int, code: str, dataset_key: str, period_number: int
) -> HttpResponse:
    period, unit = _period_and_unit(request, fiscal_year, code, dataset_key, period_number)
    try:
        done = approval.submit_district(request.user, period, unit)
    except RecordError as exc:
        messages.error(request, exc.message)
        return _back(period, unit)
    count = len(done.submitted)
    messages.success(
        request, ngettext("ส่งข้อมูลแล้ว %(n)s รายการ", "ส่งข้อมูลแล้ว %(n)s รายการ", count) % {"n": count}
    )
    if done.blocking:
        left = len(done.blocking)
        messages.error(
            request,
            _("ยังมีรายการที่ยังไม่บันทึกหรือไม่ครบถ้วน %(n)s รายการ (ดูรายการด้านล่าง)") % {"n": left},
        )
    return _back(period, unit)


@login_required
@require_POST
def approve_view(
    request: HttpRequest, fiscal_year: int, code: str, dataset_key: str, period_number: int
) -> HttpResponse:
    period, unit = _period_and_unit(request, fiscal_year, code, dataset_key, period_number)
    try:
        approved = approval.approve_district(request.user, period, unit)
    except RecordError as exc:
        messages.error(request, exc.message)
        return _back(period, unit)
    messages.success(request, _("อนุมัติแล้ว %(n)s รายการ") % {"n": len(approved)})
    return _back(period, unit)


@login_required
@require_POST
def return_view(
    request: HttpRequest, fiscal_year: int, code: str, dataset_key: str, period_number: int
) -> HttpResponse:
    period, unit = _period_and_unit(request, fiscal_year, code, dataset_key, period_number)
    if not policy.can_approve(request.user, unit):
        raise PermissionDenied
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("เหตุผลที่ส่งกลับ: กรุณาระบุให้ผู้บันทึกทราบว่าต้องแก้ไขอะไร"))
        return _back(period, unit)
    ids = [int(i) for i in request.POST.getlist("record") if i.isdigit()] or None
    try:
        returned = approval.return_district(
            request.user, period, unit, form.cleaned_data["comment"], record_ids=ids
        )
    except RecordError as exc:
        messages.error(request, exc.message)
        return _back(period, unit)
    messages.success(request, _("ส่งกลับให้แก้ไขแล้ว %(n)s รายการ") % {"n": len(returned)})
    return _back(period, unit)


@login_required
@require_POST
def reopen_view(
    request: HttpRequest, fiscal_year: int, code: str, dataset_key: str, period_number: int
) -> HttpResponse:
    period, unit = _period_and_unit(request, fiscal_year, code, dataset_key, period_number)
    if not policy.can_approve(request.user, unit):
        raise PermissionDenied
    form = ReopenForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else str(errors[0]))
        return _back(period, unit)
    try:
        row = locking.reopen(
            request.user, period, unit, form.cleaned_data["days"], form.cleaned_data["reason"]
        )
    except locking.ReopenError as exc:
        messages.error(request, exc.message)
        return _back(period, unit)
    messages.success(
        request,
        _("เปิดรับข้อมูลให้%(unit)s ถึงวันที่ %(date)s แล้ว")
        % {
            "unit": unit.full_name,
            "date": format_date(row.until),
        },
    )
    return _back(period, unit)


# ---------------------------------------------------------------- the recording-result report


@login_required
def report_view(request: HttpRequest, fiscal_year: int, code: str) -> HttpResponse:
    """แบบรายงานผลการบันทึกข้อมูล of a province (or, for a district, its own figures)
    for the periods due in ?month=M, as ?format=xlsx or pdf."""
    from khomun.monitoring import report, report_pdf, report_xlsx

    unit = policy.get_orgunit_for_user(request.user, code)
    month = request.GET.get("month", "")
    kind = request.GET.get("format", "xlsx")
    if not month.isdigit() or kind not in ("xlsx", "pdf"):
        raise Http404
    try:
        built = report.build(
            unit, fiscal_year, int(month), include_monthly=request.GET.get("monthly") == "1"
        )
    except report.ReportError:
        raise Http404 from None
    name = f"khomun-recording-{unit.code}-{fiscal_year}-{int(month):02d}.{kind}"
    if kind == "pdf":
        response = HttpResponse(report_pdf.render(built), content_type="application/pdf")
    else:
        response = HttpResponse(report_xlsx.workbook(built), content_type=export.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
