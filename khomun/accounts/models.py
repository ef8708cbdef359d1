from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from khomun.accounts.choices import AuditAction, Role
from khomun.orgunits.models import OrgUnit


class User(AbstractUser):
    """An official's own account. Never shared, never with a derivable password."""

    position = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    phone = models.CharField(_("โทรศัพท์"), max_length=40, blank=True)
    language = models.CharField(
        _("ภาษา"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    must_change_password = models.BooleanField(_("ต้องเปลี่ยนรหัสผ่านเมื่อเข้าสู่ระบบ"), default=True)

    class Meta:
        verbose_name = _("ผู้ใช้")
        verbose_name_plural = _("ผู้ใช้")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role held over an org unit; the scope includes everything below that unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("บทบาท"), max_length=24, choices=Role.choices)
    orgunit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "orgunit"], name="roleassignment_unique"
            )
        ]
        verbose_name = _("บทบาท")
        verbose_name_plural = _("บทบาท")

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.orgunit.name_th}"


class ApiToken(models.Model):
    """A bearer token for scripts; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class AuditEvent(models.Model):
    """Who did what, when and from where: log-ins, lock-outs, passwords, roles."""

    at = models.DateTimeField(_("เวลา"), auto_now_add=True, db_index=True)
    action = models.CharField(_("เหตุการณ์"), max_length=24, choices=AuditAction.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("ชื่อผู้ใช้"), max_length=150, blank=True)
    target = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("ที่อยู่ IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The path of the org unit the event belongs to, so a province reads its own log
    # with one prefix filter ("TH/52/").
    scope_path = models.CharField(max_length=64, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("บันทึกการใช้งาน")
        verbose_name_plural = _("บันทึกการใช้งาน")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.username}"
