"""The department's catalog editor: years, drafts, preview, publish, export, import.

Only a department admin (`policy.can_edit_catalog`) may use these screens; everyone
else gets 403. Every save goes through `catalog.services`, which validates it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khomun.accounts import policy
from khomun.catalog import services
from khomun.catalog.choices import VersionStatus
from khomun.catalog.definition import dump_definition
from khomun.catalog.forms import TYPE_LABELS, CopyYearForm, DatasetEditor, ImportForm, YamlForm
from khomun.catalog.models import Dataset
from khomun.lib.thaidate import fiscal_year
from khomun.schedule import rules

# A blank new dataset starts with one period a year and the usual lock.
NEW_DATASET = {"periods": {"rule": "yearly", "due": ["09"], "grace_days": 0, "lock_days": 30}}
PLACEHOLDERS = {
    "national_id": "x-xxxx-xxxxx-xx-x",
    "phone": "0x-xxxx-xxxx",
    "money": "0.00",
    "decimal": "0.0",
    "integer": "0",
    "date": "วว/ดด/ปปปป",
    "orgunit": "รหัสหน่วยงาน 8 หลัก",
}


def _require_editor(request: HttpRequest) -> None:
    if not policy.can_edit_catalog(request.user):
        raise PermissionDenied


def _check_year(year: int) -> None:
    if not 2500 <= year <= 2700:
        raise Http404


def _dataset(year: int, key: str) -> Dataset:
    return get_object_or_404(Dataset, fiscal_year=year, key=key)


@login_required
def catalog_index(request: HttpRequest) -> HttpResponse:
    """The fiscal years in the catalog, the shipped ones, and copying a year forward."""
    _require_editor(request)
    years = services.catalog_years()
    sources = sorted(set(years) | set(services.shipped_years()), reverse=True)
    overview = [(year, services.year_overview(year)) for year in years]
    next_year = max([*sources, fiscal_year(timezone.localdate())]) + 1
    form = CopyYearForm(years=sources, initial={"to_year": next_year})
    context = {
        "overview": overview,
        "unloaded": [y for y in services.shipped_years() if y not in years],
        "form": form,
    }
    return render(request, "catalog/index.html", context)


@login_required
@require_POST
def catalog_copy(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    sources = sorted(set(services.catalog_years()) | set(services.shipped_years()), reverse=True)
    form = CopyYearForm(request.POST, years=sources)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("catalog_index")
    source, target = form.cleaned_data["from_year"], form.cleaned_data["to_year"]
    try:
        count = services.copy_year(source, target, by=request.user)
    except services.CatalogError as exc:
        messages.error(request, str(exc))
        return redirect("catalog_index")
    messages.success(
        request,
        _("คัดลอก %(count)s ฐานข้อมูลจากปี %(source)s เป็นฉบับร่างของปี %(target)s แล้ว")
        % {"count": count, "source": source, "target": target},
    )
    return redirect("catalog_year", year=target)


@login_required
def catalog_year(request: HttpRequest, year: int) -> HttpResponse:
    """One year's datasets: published version, newer draft, and the actions on them."""
    _require_editor(request)
    _check_year(year)
    datasets = services.year_overview(year)
    return render(
        request,
        "catalog/year.html",
        {"year": year, "datasets": datasets, "import_form": ImportForm()},
    )


@login_required
def catalog_export(request: HttpRequest, year: int) -> HttpResponse:
    _require_editor(request)
    _check_year(year)
    try:
        content = services.export_year(year)
    except services.CatalogError as exc:
        messages.error(request, str(exc))
        return redirect("catalog_year", year=year)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="khomun-catalog-{year}.zip"'
    return response


@login_required
def catalog_import(request: HttpRequest, year: int) -> HttpResponse:
    """YAML files (or an exported zip) become drafts of this year: all or nothing."""
    _require_editor(request)
    _check_year(year)
    form = ImportForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            count = services.import_files(year, _uploaded_files(form), by=request.user)
        except services.CatalogError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("นำเข้า %(count)s ไฟล์เป็นฉบับร่างของปีงบประมาณ %(year)s แล้ว")
                % {"count": count, "year": year},
            )
            return redirect("catalog_year", year=year)
    return render(request, "catalog/import.html", {"year": year, "form": form, "error": error})


def _uploaded_files(form: ImportForm) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for upload in form.cleaned_data["upload"]:
        for name, content in services.files_from_upload(upload.name, upload.read()).items():
            if name in files:
                raise services.CatalogError(f"{name}: ส่งมาซ้ำกันมากกว่าหนึ่งไฟล์")
            files[name] = content
    return files


def _with_extra_form(post: QueryDict, prefix: str) -> QueryDict:
    """The posted editor with one more blank form in a formset (no JavaScript needed)."""
    data = post.copy()
    total = f"{prefix}-TOTAL_FORMS"
    data[total] = str(int(data.get(total) or 0) + 1)
    return data


def _editor_page(request: HttpRequest, year: int, dataset: Dataset | None) -> HttpResponse:
    """The form editor for a new dataset (`dataset` None) or a draft of an existing one."""
    version = services.latest_version(dataset) if dataset else None
    initial = dict(version.definition) if version else NEW_DATASET
    key = dataset.key if dataset else ""
    post = request.POST if request.method == "POST" else None
    for prefix in ("fields", "rules"):
        if post is not None and f"add_{prefix}" in post:
            grown = _with_extra_form(post, prefix)
            editor = DatasetEditor(grown, initial=initial, new=not key, key=key)
            return _render_editor(request, year, dataset, editor, initial)
    editor = DatasetEditor(post, initial=initial, new=not key, key=key)
    if post is not None:
        data = editor.to_data()
        if (
            data is not None
            and not key
            and Dataset.objects.filter(fiscal_year=year, key=data["key"]).exists()
        ):
            editor.dataset.add_error("key", _("มีฐานข้อมูลรหัสนี้ในปีงบประมาณนี้แล้ว"))
            data = None
        if data is not None:
            try:
                saved, created = services.save_version(year, data, by=request.user, publish=False)
            except services.CatalogError as exc:
                editor.add_definition_error(str(exc))
            else:
                _saved_message(request, saved.number, created)
                return redirect("catalog_edit", year=year, key=saved.dataset.key)
    return _render_editor(request, year, dataset, editor, initial)


def _saved_message(request: HttpRequest, number: int, created: bool) -> None:
    if created:
        messages.success(
            request,
            _("บันทึกฉบับร่างที่ %(number)s แล้ว ยังไม่มีผลจนกว่าจะประกาศใช้") % {"number": number},
        )
    else:
        messages.info(request, _("ไม่มีการเปลี่ยนแปลงจากฉบับที่ %(number)s") % {"number": number})


def _render_editor(
    request: HttpRequest,
    year: int,
    dataset: Dataset | None,
    editor: DatasetEditor,
    initial: dict[str, Any],
) -> HttpResponse:
    # Errors are listed above the form already; the preview only shows the result.
    data = editor.to_data() if editor.dataset.is_bound else initial
    context = {
        "year": year,
        "dataset": dataset,
        "version": services.latest_version(dataset) if dataset else None,
        "editor": editor,
        "preview": build_preview(year, data, [], validate=False),
    }
    return render(request, "catalog/editor.html", context)


@login_required
def dataset_new(request: HttpRequest, year: int) -> HttpResponse:
    _require_editor(request)
    _check_year(year)
    return _editor_page(request, year, None)


@login_required
def dataset_edit(request: HttpRequest, year: int, key: str) -> HttpResponse:
    _require_editor(request)
    return _editor_page(request, year, _dataset(year, key))


@login_required
def dataset_yaml(request: HttpRequest, year: int, key: str) -> HttpResponse:
    """The advanced editor: the whole definition as YAML text."""
    _require_editor(request)
    dataset = _dataset(year, key)
    version = services.latest_version(dataset)
    initial = {"yaml": dump_definition(version.parsed)} if version else {}
    form = YamlForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["yaml"]
        if data.get("key") != dataset.key:
            form.add_error(
                "yaml", _("key: ต้องเป็น %(key)s (สร้างฐานข้อมูลใหม่แทนการเปลี่ยนรหัส)") % {"key": key}
            )
        else:
            try:
                saved, created = services.save_version(year, data, by=request.user, publish=False)
            except services.CatalogError as exc:
                form.add_error("yaml", str(exc))
            else:
                _saved_message(request, saved.number, created)
                return redirect("catalog_edit", year=year, key=key)
    data = form.cleaned_data.get("yaml") if form.is_bound and form.is_valid() else None
    preview = build_preview(
        year, data or (version.definition if version else None), [], validate=False
    )
    return render(
        request,
        "catalog/yaml.html",
        {"year": year, "dataset": dataset, "version": version, "form": form, "preview": preview},
    )


@login_required
@require_POST
def dataset_preview(request: HttpRequest, year: int) -> HttpResponse:
    """htmx: the entry form and periods that the posted (unsaved) definition gives."""
    _require_editor(request)
    _check_year(year)
    errors: list[str] = []
    data: dict[str, Any] | None
    if "yaml" in request.POST:
        form = YamlForm(request.POST)
        data = form.cleaned_data["yaml"] if form.is_valid() else None
        errors += [str(e) for e in form.errors.get("yaml", [])]
    else:
        key = request.POST.get("dataset_key", "")
        editor = DatasetEditor(request.POST, new=not key, key=key)
        data = editor.to_data()
        errors += editor.form_errors
    context = {"year": year, "preview": build_preview(year, data, errors)}
    return render(request, "catalog/_preview.html", context)


def build_preview(
    year: int, data: dict[str, Any] | None, errors: list[str], *, validate: bool = True
) -> dict[str, Any]:
    """What the officer sees beside the editor: the fields as a form and the year's periods."""
    preview: dict[str, Any] = {"errors": list(errors), "fields": [], "periods": []}
    if not isinstance(data, dict):
        return preview
    data = {**data, "fiscal_year": year}
    if validate and not errors:
        try:
            services.validate_data(data, str(data.get("key") or "?"))
        except services.CatalogError as exc:
            preview["errors"].append(str(exc))
    fields = data.get("fields")
    preview["fields"] = [_preview_field(f) for f in fields or [] if isinstance(f, dict)]
    periods = data.get("periods")
    try:
        rule = rules.parse_rule(periods if isinstance(periods, dict) else {})
        preview["periods"] = rules.generate_periods(rule, year)
    except rules.RuleError as exc:
        preview["period_error"] = str(exc)
    return preview


def _preview_field(field: dict[str, Any]) -> dict[str, Any]:
    kind = str(field.get("type", ""))
    choices = field.get("choices")
    low, high = field.get("min"), field.get("max")
    limits = []
    if low is not None:
        limits.append(_("ไม่น้อยกว่า %(n)s") % {"n": f"{low:,}"})
    if high is not None:
        limits.append(_("ไม่เกิน %(n)s") % {"n": f"{high:,}"})
    return {
        **field,
        "type": kind,
        "type_label": TYPE_LABELS.get(kind, kind),
        "choices": [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else [],
        "placeholder": PLACEHOLDERS.get(kind, ""),
        "limits": " ".join(limits),
    }


@login_required
@require_POST
def dataset_publish(request: HttpRequest, year: int, key: str) -> HttpResponse:
    """Publish the newest draft; its periods are regenerated for the year."""
    _require_editor(request)
    dataset = _dataset(year, key)
    version = services.latest_version(dataset)
    if version is None or version.status != VersionStatus.DRAFT:
        messages.info(request, _("ไม่มีฉบับร่างที่รอประกาศใช้"))
        return redirect("catalog_year", year=year)
    try:
        services.publish_version(version)
    except services.CatalogError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("ประกาศใช้ %(name)s ฉบับที่ %(number)s แล้ว และปรับงวดของปีตามกำหนดใหม่")
            % {"name": dataset.name_th, "number": version.number},
        )
    return redirect("catalog_year", year=year)
