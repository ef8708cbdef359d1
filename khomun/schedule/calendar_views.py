"""The user's own calendar address (create, replace, revoke) and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khomun.accounts import policy
from khomun.schedule import calendar_feed


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    feed = calendar_feed.active_feed(request.user)
    context = {
        "feed": feed,
        "url": calendar_feed.feed_url(feed) if feed else "",
        "unit": policy.primary_unit(request.user),
    }
    return render(request, "schedule/calendar.html", context)


@login_required
@require_POST
def calendar_create(request: HttpRequest) -> HttpResponse:
    """A new address; an existing one stops working (a leaked link is replaced)."""
    had_one = calendar_feed.active_feed(request.user) is not None
    calendar_feed.replace_feed(request.user)
    if had_one:
        messages.success(request, _("สร้างลิงก์ปฏิทินใหม่แล้ว ลิงก์เดิมใช้ไม่ได้อีก"))
    else:
        messages.success(request, _("สร้างลิงก์ปฏิทินแล้ว"))
    return redirect("calendar_page")


@login_required
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    calendar_feed.revoke_feed(request.user)
    messages.success(request, _("ยกเลิกลิงก์ปฏิทินแล้ว"))
    return redirect("calendar_page")


@require_GET
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """No log-in: the token is the credential (404 for an unknown or revoked one)."""
    feed = calendar_feed.feed_by_token(token)
    response = HttpResponse(
        calendar_feed.build_calendar(feed.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="khomun.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
