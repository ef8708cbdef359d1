"""Notification screens: my inbox and settings; a province's LINE links and message log.

Thin views: `policy` (through `_messaging_unit` / `_get_delivery_for_user`) decides
scope, 404 outside it and 403 inside it without the right; `services` does the work.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khomun.accounts import policy
from khomun.notifications import sending, services
from khomun.notifications.channels import line as line_channel
from khomun.notifications.channels.inapp import mark_read
from khomun.notifications.forms import LineLinkForm, LogFilterForm, SettingsForm
from khomun.notifications.models import Delivery, Notification
from khomun.orgunits.choices import Level
from khomun.orgunits.models import COUNTRY_CODE, Office, OrgUnit

PER_PAGE = 30


def _messaging_unit(request: HttpRequest) -> OrgUnit:
    unit = policy.requested_unit(request)  # 404 outside the user's scope
    if unit.level not in (Level.COUNTRY, Level.PROVINCE):
        unit = unit.province() or unit
    if not policy.can_manage_messaging(request.user, unit):
        raise PermissionDenied
    return unit


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notes = Notification.objects.filter(user_id=request.user.pk or 0)
    page = Paginator(notes, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("notifications:notification_list")


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Opening a notification marks it read and goes where it points."""
    note = get_object_or_404(Notification, pk=notification_id, user_id=request.user.pk or 0)
    mark_read(request.user, note)
    if note.url.startswith("/") and not note.url.startswith("//"):
        return redirect(note.url)
    return redirect("notifications:notification_list")


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    prefs = services.preferences(request.user)
    form = SettingsForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("บันทึกการตั้งค่าการแจ้งเตือนแล้ว"))
        return redirect("notifications:notification_settings")
    unit = policy.primary_unit(request.user)
    context = {
        "form": form,
        "office_line": Office.objects.filter(orgunit=unit, line_link__isnull=False).first()
        if unit
        else None,
        "line_configured": line_channel.configured(),
    }
    return render(request, "notifications/settings.html", context)


def _offices(province: OrgUnit) -> Any:
    return (
        Office.objects.filter(orgunit__path__startswith=province.path)
        .select_related("orgunit", "line_link")
        .order_by("orgunit__path")
    )


@login_required
def line_links(request: HttpRequest) -> HttpResponse:
    unit = _messaging_unit(request)
    if unit.level == Level.COUNTRY:
        provinces = OrgUnit.objects.filter(level=Level.PROVINCE, has_cdd_office=True)
        return render(request, "notifications/line_provinces.html", {"provinces": provinces})
    offices = _offices(unit)
    form = LineLinkForm(request.POST or None, offices=offices)
    if request.method == "POST":
        if "unlink" in request.POST:
            office = get_object_or_404(offices, pk=request.POST.get("unlink"))
            services.unlink_line(office)
            messages.success(
                request, _("ยกเลิกการเชื่อม LINE ของ %(office)s แล้ว") % {"office": office}
            )
            return redirect(f"{reverse('notifications:line_links')}?orgunit={unit.code}")
        if form.is_valid():
            office = form.cleaned_data["office"]
            services.link_line(
                office,
                target_id=form.cleaned_data["target_id"],
                display_name=form.cleaned_data["display_name"],
                by=request.user,
            )
            messages.success(request, _("เชื่อม LINE ของ %(office)s แล้ว") % {"office": office})
            return redirect(f"{reverse('notifications:line_links')}?orgunit={unit.code}")
    context = {
        "province": unit,
        "offices": offices,
        "form": form,
        "line_configured": line_channel.configured(),
    }
    return render(request, "notifications/line_links.html", context)


@login_required
def delivery_log(request: HttpRequest) -> HttpResponse:
    unit = _messaging_unit(request)
    deliveries = Delivery.objects.prefetch_related("attempt_log").order_by("-created_at", "-pk")
    if unit.level != Level.COUNTRY:
        deliveries = deliveries.filter(orgunit_path__startswith=unit.path)
    filters = LogFilterForm(request.GET)
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            deliveries = deliveries.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["channel"]:
            deliveries = deliveries.filter(channel=filters.cleaned_data["channel"])
    page = Paginator(deliveries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"unit": unit, "page": page, "filters": filters, "query": query.urlencode()}
    return render(request, "notifications/log.html", context)


def _get_delivery_for_user(user: Any, delivery_id: int) -> tuple[Delivery, OrgUnit]:
    """The delivery and the province (or country) whose log holds it; 404 outside
    the user's scope, 403 inside it without the messaging right."""
    delivery = get_object_or_404(Delivery, pk=delivery_id)
    code = delivery.orgunit_path.strip("/").split("/")[-1] if delivery.orgunit_path else ""
    unit = OrgUnit.objects.filter(code=code or COUNTRY_CODE).first()
    if unit is None or not policy.can_view(user, unit):
        raise Http404
    owner = unit if unit.level == Level.COUNTRY else unit.province()
    if owner is None or not policy.can_manage_messaging(user, owner):
        raise PermissionDenied
    return delivery, owner


@login_required
@require_POST
def delivery_retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery, owner = _get_delivery_for_user(request.user, delivery_id)
    try:
        services.retry_delivery(delivery)
    except sending.NotRetryable as exc:
        messages.error(request, str(exc))
    else:
        delivery.refresh_from_db()
        messages.success(
            request,
            _("ส่งซ้ำแล้ว: %(status)s") % {"status": delivery.get_status_display()},
        )
    return redirect(f"{reverse('notifications:delivery_log')}?orgunit={owner.code}")
