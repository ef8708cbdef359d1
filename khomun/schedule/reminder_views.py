"""The reminder rules pages: the department's defaults and a province's overrides.

Anyone in a province (or above it) may read the province's page; out of scope is
404. Only the department admin changes a default and only the province's admin (or
the department) its override; others get 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khomun.accounts import policy
from khomun.catalog.models import Dataset
from khomun.lib.thaidate import fiscal_year
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit
from khomun.schedule import reminder_settings
from khomun.schedule.forms import ReminderRuleForm
from khomun.schedule.reminders import Offsets, reminders_between
from khomun.schedule.services import ScheduleError
from khomun.schedule.views import _province_for

PREVIEW_DAYS = 14


def _datasets() -> list[Dataset]:
    """The published datasets of the current fiscal year (a rule is kept per key)."""
    year = fiscal_year(timezone.localdate())
    return list(Dataset.objects.filter(fiscal_year=year, current__isnull=False).order_by("order"))


def _dataset(key: str) -> Dataset:
    dataset = Dataset.objects.filter(key=key).order_by("-fiscal_year").first()
    if dataset is None:
        raise Http404
    return dataset


def _initial(offsets: Offsets) -> dict[str, Any]:
    return {
        "enabled": offsets.enabled,
        "days_before": list(offsets.days_before),
        "on_due_day": offsets.on_due_day,
        "days_after": list(offsets.days_after),
        "weekly_until_lock": offsets.weekly_until_lock,
    }


def _forms(
    rows: list[reminder_settings.RuleRow], province: OrgUnit | None, bound: Any = None
) -> list[tuple[reminder_settings.RuleRow, ReminderRuleForm]]:
    result = []
    for row in rows:
        offsets = row.effective if province else row.default
        if bound is not None and bound.prefix == row.dataset.key:
            result.append((row, bound))
        else:
            form = ReminderRuleForm(prefix=row.dataset.key, initial=_initial(offsets))
            result.append((row, form))
    return result


@login_required
def reminder_index(request: HttpRequest) -> HttpResponse:
    """The department's defaults for the department; a province's page for its people."""
    unit = policy.primary_unit(request.user)
    if unit is None:
        raise PermissionDenied
    if unit.level != Level.COUNTRY:
        return redirect("reminder_province", code=unit.code[:2])
    return _defaults_page(request)


def _defaults_page(request: HttpRequest, bound: ReminderRuleForm | None = None) -> HttpResponse:
    rows = reminder_settings.rule_rows(_datasets(), None)
    context = {
        "rows": _forms(rows, None, bound),
        "can_edit": policy.can_edit_default_reminders(request.user),
        "provinces": policy.visible_orgunits(request.user)
        .filter(level=Level.PROVINCE, has_cdd_office=True)
        .order_by("code"),
    }
    return render(request, "schedule/reminder_defaults.html", context)


@login_required
@require_POST
def reminder_default_set(request: HttpRequest, key: str) -> HttpResponse:
    if not policy.can_edit_default_reminders(request.user):
        raise PermissionDenied
    dataset = _dataset(key)
    form = ReminderRuleForm(request.POST, prefix=key)
    if not form.is_valid():
        return _defaults_page(request, form)
    reminder_settings.set_default_rule(request.user, key, form.cleaned_data)
    messages.success(request, _("บันทึกการเตือนของ %(dataset)s แล้ว") % {"dataset": dataset.name})
    return redirect("reminder_index")


@login_required
def reminder_province(request: HttpRequest, code: str) -> HttpResponse:
    return _province_page(request, _province_for(request, code))


def _province_page(
    request: HttpRequest, province: OrgUnit, bound: ReminderRuleForm | None = None
) -> HttpResponse:
    rows = reminder_settings.rule_rows(_datasets(), province)
    can_edit = policy.can_manage_province_messaging(request.user, province)
    preview = reminders_between(timezone.localdate(), PREVIEW_DAYS, province) if can_edit else []
    context = {
        "province": province,
        "rows": _forms(rows, province, bound),
        "can_edit": can_edit,
        "preview": preview,
        "preview_days": PREVIEW_DAYS,
    }
    return render(request, "schedule/reminder_province.html", context)


def _managed_province(request: HttpRequest, code: str) -> OrgUnit:
    province = _province_for(request, code)
    if not policy.can_manage_province_messaging(request.user, province):
        raise PermissionDenied
    return province


@login_required
@require_POST
def reminder_override_set(request: HttpRequest, code: str, key: str) -> HttpResponse:
    province = _managed_province(request, code)
    dataset = _dataset(key)
    form = ReminderRuleForm(request.POST, prefix=key)
    if not form.is_valid():
        return _province_page(request, province, form)
    try:
        reminder_settings.set_province_rule(request.user, province, key, form.cleaned_data)
    except ScheduleError as exc:
        raise PermissionDenied(exc.message) from None
    messages.success(
        request,
        _("บันทึกการเตือนของจังหวัดสำหรับ %(dataset)s แล้ว") % {"dataset": dataset.name},
    )
    return redirect("reminder_province", code=province.code)


@login_required
@require_POST
def reminder_override_remove(request: HttpRequest, code: str, key: str) -> HttpResponse:
    province = _managed_province(request, code)
    dataset = _dataset(key)
    reminder_settings.remove_province_rule(request.user, province, key)
    messages.success(request, _("%(dataset)s กลับไปใช้การเตือนของกรมแล้ว") % {"dataset": dataset.name})
    return redirect("reminder_province", code=province.code)
