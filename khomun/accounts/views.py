from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from khomun.accounts import audit, policy, services
from khomun.accounts.choices import AuditAction
from khomun.accounts.forms import AccountForm, CsvImportForm, TokenForm
from khomun.accounts.models import User


def _require_account_admin(request: HttpRequest) -> None:
    if not policy.grantable_roles(request.user):
        raise PermissionDenied


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_own_password(user, form.cleaned_data["new_password1"], request)
        update_session_auth_hash(request, user)
        messages.success(request, _("เปลี่ยนรหัสผ่านเรียบร้อยแล้ว"))
        return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password},
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up (first time) or verify the TOTP device of an admin."""
    user = request.user
    assert isinstance(user, User)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    assert device is not None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(AuditAction.TWO_FACTOR_ENABLED, request=request, actor=user)
            otp_login(request, device)
            return redirect("home")
        audit.record(AuditAction.TWO_FACTOR_FAILED, request=request, actor=user)
        form.add_error("token", _("รหัสไม่ถูกต้องหรือหมดเวลาแล้ว ลองรหัสใหม่จากแอป"))
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["qr_svg"] = _qr_svg(device.config_url)
    return render(request, "accounts/two_factor.html", context)


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_account_admin(request)
    users = policy.manageable_users(request.user).prefetch_related("roles__orgunit")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query) | users.filter(first_name__icontains=query)
    page = Paginator(users.order_by("username"), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": query})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require_account_admin(request)
    form = AccountForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.create_account(
                request.user,
                request=request,
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                orgunit_code=form.cleaned_data["orgunit"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                email=form.cleaned_data["email"],
                position=form.cleaned_data["position"],
            )
        except services.AccountError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            # The initial password is shown this once and never stored in clear.
            return render(request, "accounts/passwords_once.html", {"accounts": [new]})
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
def user_import(request: HttpRequest) -> HttpResponse:
    _require_account_admin(request)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.import_accounts_csv(
                request.user, form.cleaned_data["file"].read(), request
            )
        except services.AccountError as exc:
            error = exc
        else:
            return render(request, "accounts/passwords_once.html", {"accounts": created})
    return render(request, "accounts/user_import.html", {"form": form, "error": error})


def _managed_user(request: HttpRequest, user_id: int) -> User:
    target = get_object_or_404(User, pk=user_id)
    if not policy.can_manage_user(request.user, target):
        raise Http404
    return target


@login_required
@require_POST
def user_reset_password(request: HttpRequest, user_id: int) -> HttpResponse:
    _require_account_admin(request)
    target = _managed_user(request, user_id)
    password = services.reset_password(request.user, target, request)
    new = services.NewAccount(target, password)
    return render(request, "accounts/passwords_once.html", {"accounts": [new]})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    events = audit.events_for(request.user)
    if policy.audit_scope_paths(request.user) == []:
        raise PermissionDenied
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/audit_log.html",
        {"page": page, "action": action, "actions": AuditAction.choices},
    )
