"""Letter screens: a new letter (from the monitoring screen), a letter with its files
and cancellation, the register with search, and an office's letter settings.

Thin views: `policy` finds the province (out of scope 404, not a letter sender 403),
`services` composes, numbers, stores and cancels.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khomun.accounts import policy
from khomun.letters import compose, services
from khomun.letters.choices import LetterType
from khomun.letters.defaults import setup_for
from khomun.letters.forms import CancelForm, LetterForm, LetterSettingsForm, SearchForm
from khomun.letters.models import LetterSettings
from khomun.letters.templating import PLACEHOLDERS
from khomun.lib.thaidate import fiscal_year as fiscal_year_of
from khomun.orgunits.choices import Level
from khomun.orgunits.models import OrgUnit

PAGE_SIZE = 25


def _province_for(request: HttpRequest, code: str) -> OrgUnit:
    province = policy.get_orgunit_for_user(request.user, code)
    if province.level != Level.PROVINCE:
        raise Http404
    if not policy.can_send_letters(request.user, province):
        raise PermissionDenied
    return province


def _initial(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "letter_type": request.GET.get("type", LetterType.REMINDER),
        "fiscal_year": fiscal_year_of(today),
        "month": today.month,
        "kind": "external",
    }
    for name in ("fiscal_year", "month"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    return initial


def _missing(province: OrgUnit, fiscal_year: Any, month: Any) -> list[compose.DistrictGap]:
    try:
        return compose.districts_missing(province, int(fiscal_year), int(month))
    except (TypeError, ValueError, compose.ComposeError):
        return []


@login_required
def letter_new(request: HttpRequest, code: str) -> HttpResponse:
    province = _province_for(request, code)
    source = request.POST if request.method == "POST" else None
    values = source or _initial(request)
    gaps = _missing(province, values.get("fiscal_year"), values.get("month"))
    earlier = [
        (letter.pk, f"{letter.number_text} · {letter.subject[:60]}")
        for letter in services.letters_for(request.user).filter(province=province)[:50]
    ]
    form = LetterForm(
        source,
        initial={**values, "districts": [gap.unit.code for gap in gaps]},
        districts=[(gap.unit.code, gap.unit.full_name_th) for gap in gaps],
        earlier=earlier,
    )
    if source is not None and form.is_valid():
        data = form.cleaned_data
        reference = data["reference"]
        if data["reference_letter"]:
            cited = services.letters_for(request.user).filter(pk=data["reference_letter"]).first()
            reference = services.reference_to(cited) if cited else reference
        try:
            letter = services.generate_letter(
                request.user,
                province,
                data["letter_type"],
                data["kind"],
                data["fiscal_year"],
                data["month"] if data["letter_type"] == LetterType.REMINDER else None,
                data["districts"] if data["letter_type"] == LetterType.REMINDER else None,
                reference,
                data["date"],
                report_by=data["report_by"],
            )
        except services.LetterError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("ออกหนังสือที่ %(n)s แล้ว") % {"n": letter.number_text})
            return redirect("letters:letters_detail", letter.pk)
    context = {"province": province, "form": form, "gaps": gaps}
    return render(request, "letters/new.html", context)


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = services.get_letter_for_user(request.user, pk)
    return render(request, "letters/detail.html", {"letter": letter, "cancel_form": CancelForm()})


@login_required
def letter_download(request: HttpRequest, pk: int, file_format: str) -> FileResponse:
    if file_format not in ("pdf", "docx"):
        raise Http404
    letter = services.get_letter_for_user(request.user, pk)
    stored = letter.pdf if file_format == "pdf" else letter.docx
    if not stored:
        raise Http404
    name = f"letter-{letter.year}-{letter.number}.{file_format}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def letter_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    letter = services.get_letter_for_user(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_letter(request.user, letter, form.cleaned_data["reason"])
        except services.LetterError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("ยกเลิกหนังสือแล้ว เลขที่นี้จะไม่ถูกใช้ซ้ำ"))
            return redirect("letters:letters_detail", letter.pk)
    return render(
        request, "letters/detail.html", {"letter": letter, "cancel_form": form}, status=400
    )


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    province = None
    if request.GET.get("province"):
        province = _province_for(request, request.GET["province"])
    letters = services.search_letters(
        request.user,
        data.get("q", ""),
        province=province,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        status=data.get("status", ""),
    )
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    provinces = [
        p
        for p in policy.visible_orgunits(request.user, OrgUnit.objects.filter(level=Level.PROVINCE))
        if policy.can_send_letters(request.user, p)
    ][:80]
    context = {"form": form, "page": page, "query": query.urlencode(), "provinces": provinces}
    return render(request, "letters/list.html", context)


@login_required
def letter_settings(request: HttpRequest, code: str) -> HttpResponse:
    province = _province_for(request, code)
    setup = setup_for(province)
    saved = LetterSettings.objects.filter(office=setup.office).first()
    instance = saved or LetterSettings(office=setup.office)
    form = LetterSettingsForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("บันทึกการตั้งค่าหนังสือแล้ว"))
        return redirect("letters:letters_settings", province.code)
    placeholders = ["{" + name + "}" for name in PLACEHOLDERS]
    context = {
        "province": province,
        "form": form,
        "setup": setup,
        "saved": saved,
        "placeholders": placeholders,
    }
    return render(request, "letters/settings.html", context)
