"""Excel screens: a period's template and upload, an import's progress, exports.

Thin views: `policy` decides scope (404 outside it, 403 for read-only roles on
uploads), `templates`, `imports` and `exports` do the work.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from khomun.accounts import policy
from khomun.excel import exports, imports, report, templates
from khomun.excel.forms import ExportForm, UploadForm
from khomun.excel.models import ExportLog, ExportStatus, ImportJob
from khomun.excel.reading import MAX_FILE_BYTES, MAX_ROWS
from khomun.lib.thaidate import fiscal_year
from khomun.monitoring import completeness
from khomun.orgunits.models import OrgUnit
from khomun.records import progress
from khomun.schedule.models import Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LISTED_IMPORTS = 30


@login_required
def excel_home(request: HttpRequest) -> HttpResponse:
    """Open periods to import into, the export form, and the imports in the user's scope."""
    unit = policy.primary_unit(request.user)
    year = _int(request.GET.get("fiscal_year")) or fiscal_year(timezone.localdate())
    initial = {"fiscal_year": year, "orgunit": unit.code if unit else "", "format": "xlsx"}
    context: dict[str, Any] = {
        "unit": unit,
        "due": progress.due_for_unit(unit) if unit is not None else [],
        "export_form": ExportForm(initial=initial, fiscal_year=year),
        "jobs": list(imports.jobs_for(request.user)[:LISTED_IMPORTS]),
        "exports": list(
            ExportLog.objects.filter(user_id=request.user.pk or 0)
            .exclude(status=ExportStatus.STREAMED)
            .order_by("-at")[:10]
        ),
    }
    return render(request, "excel/home.html", context)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _period_context(request: HttpRequest, period: Period, unit: OrgUnit) -> dict[str, Any]:
    defn = progress.definition_of(period)
    records_here = unit.level in defn.levels
    jobs = imports.jobs_for(request.user).filter(period=period, orgunit_path__startswith=unit.path)
    return {
        "period": period,
        "dataset": period.dataset,
        "unit": unit,
        "records_here": records_here,
        "can_import": records_here
        and policy.can_record(request.user, unit)
        and not period.is_locked(timezone.localdate()),
        "children": [] if records_here else completeness.child_units(unit),
        "jobs": list(jobs[:LISTED_IMPORTS]),
        "period_url": progress.period_url(period, unit),
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "max_rows": f"{MAX_ROWS:,}",
    }


@login_required
def excel_period(
    request: HttpRequest, fiscal_year: int, dataset_key: str, period_number: int
) -> HttpResponse:
    """Download the template of a period and unit; upload a filled one."""
    period = progress.get_period(fiscal_year, dataset_key, period_number)
    unit = policy.requested_unit(request)
    form = UploadForm()
    if request.method == "POST":
        policy.require_record(request.user, unit)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = imports.start_import(
                    request.user, period, unit, upload.name or "upload", upload.read()
                )
            except imports.ImportRefused as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("excel_import", job.pk)
    context = _period_context(request, period, unit)
    context["form"] = form
    return render(request, "excel/period.html", context, status=400 if form.errors else 200)


@login_required
def excel_template(
    request: HttpRequest, fiscal_year: int, dataset_key: str, period_number: int
) -> HttpResponse:
    period = progress.get_period(fiscal_year, dataset_key, period_number)
    unit = policy.requested_unit(request)
    policy.require_record(request.user, unit)
    defn = progress.definition_of(period)
    if unit.level not in defn.levels:
        raise Http404
    content = templates.build_template(request.user, period, unit, defn)
    response = HttpResponse(content, content_type=XLSX)
    name = templates.file_name(period, unit)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _status_context(job: ImportJob) -> dict[str, Any]:
    return {
        "job": job,
        "percent": imports.percent_done(job),
        "rows_stored": imports.live_rows_stored(job),
        "errors": job.errors[:200],
        "period_url": progress.period_url(job.period, job.orgunit),
    }


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = imports.get_job_for_user(request.user, job_id)
    return render(request, "excel/import.html", _status_context(job))


@login_required
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress partial that the import page polls (htmx) until the job ends."""
    job = imports.get_job_for_user(request.user, job_id)
    return render(request, "excel/_status.html", _status_context(job))


@login_required
def import_errors(request: HttpRequest, job_id: int) -> HttpResponse:
    job = imports.get_job_for_user(request.user, job_id)
    if not job.errors and not job.message:
        raise Http404
    response = HttpResponse(report.error_report(job), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="errors_{job.pk}.xlsx"'
    return response


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    """Stream an export; refusals (unknown dataset, period, state) go back to the form."""
    params = request.GET
    try:
        req = exports.export_request(
            request.user,
            dataset_key=params.get("dataset", ""),
            fiscal_year=_int(params.get("fiscal_year")) or 0,
            period=_int(params.get("period")),
            orgunit=params.get("orgunit", "").strip() or None,
            state=params.get("state", ""),
            file_format=params.get("format", "xlsx"),
        )
    except exports.ExportRefused as exc:
        messages.error(request, exc.message)
        return redirect(reverse("excel_home"))
    if exports.runs_in_background(req):
        log = exports.queue_export(request.user, req)
        return redirect("excel_export_detail", log.pk)
    return exports.export_response(request.user, req)


@login_required
def export_detail(request: HttpRequest, log_id: int) -> HttpResponse:
    """A background export: its state (polled by htmx) and, when ready, the download."""
    log = exports.get_export_for_user(request.user, log_id)
    name = "excel/_export_status.html" if request.headers.get("HX-Request") else "excel/export.html"
    return render(request, name, {"log": log})


@login_required
def export_download(request: HttpRequest, log_id: int) -> HttpResponseBase:
    from django.core.files.storage import default_storage
    from django.http import FileResponse

    log = exports.get_export_for_user(request.user, log_id)
    if log.status != ExportStatus.READY or not log.stored_file:
        raise Http404
    handle = default_storage.open(log.stored_file, "rb")
    return FileResponse(handle, as_attachment=True, filename=log.download_name)
