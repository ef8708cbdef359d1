"""Notifications: the in-app message, each user's channel choices, the LINE target of
each office, and the log of every message sent (or not) through e-mail and LINE."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from khomun.notifications.choices import (
    AttemptOutcome,
    Channel,
    DeliveryStatus,
    NotificationKind,
)
from khomun.orgunits.models import Office

LINE_ID_RE = re.compile(r"^[UCR][0-9a-f]{32}$")


def validate_line_id(value: str) -> None:
    """A LINE user ("U"), group ("C") or room ("R") id: the letter and 32 hex digits."""
    if not LINE_ID_RE.match(value):
        raise ValidationError(
            _(
                "รหัส LINE ไม่ถูกต้อง: ต้องขึ้นต้นด้วย U (ผู้ใช้) C (กลุ่ม) หรือ R (ห้อง) "
                "ตามด้วยเลขฐานสิบหก 32 ตัว (0-9, a-f)"
            ),
            code="line_id",
        )


class Notification(models.Model):
    """One message in a user's in-app inbox (the bell)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("ประเภท"), max_length=16, choices=NotificationKind.choices)
    subject = models.CharField(_("เรื่อง"), max_length=255)
    body = models.TextField(_("ข้อความ"), blank=True)
    url = models.CharField(_("ลิงก์"), max_length=500, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("เวลา"), auto_now_add=True)
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_user_key")
        ]
        indexes = [
            # The bell: unread of one user, a small partial index.
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationSettings(models.Model):
    """A user's channels and quiet time. Without a row the defaults apply."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_enabled = models.BooleanField(_("รับทางอีเมล"), default=True)
    line_enabled = models.BooleanField(_("รับทาง LINE ของสำนักงาน"), default=True)
    # Local (Asia/Bangkok) times; start > end spans midnight (20:00-07:00).
    quiet_start = models.TimeField(_("งดรับตั้งแต่"), null=True, blank=True)
    quiet_end = models.TimeField(_("งดรับถึง"), null=True, blank=True)

    class Meta:
        verbose_name = _("การตั้งค่าการแจ้งเตือน")
        verbose_name_plural = _("การตั้งค่าการแจ้งเตือน")

    def __str__(self) -> str:
        return str(self.user)


class LineLink(models.Model):
    """The LINE user, group or room an office's messages go to."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="line_link")
    target_id = models.CharField(_("รหัส LINE"), max_length=33, validators=[validate_line_id])
    display_name = models.CharField(_("ชื่อที่แสดง"), max_length=120, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("เชื่อมเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("การเชื่อม LINE")
        verbose_name_plural = _("การเชื่อม LINE")

    def __str__(self) -> str:
        return f"{self.office} → {self.target_id}"


class Delivery(models.Model):
    """One message to one address on one channel: the message log.

    Unique on (channel, recipient, key): an office LINE group several users share gets
    the message once, and a task run twice finds it already sent."""

    channel = models.CharField(_("ช่องทาง"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("ผู้รับ"), max_length=254)
    key = models.CharField(max_length=200)
    orgunit_path = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    subject = models.CharField(_("เรื่อง"), max_length=255)
    text = models.TextField(_("ข้อความ"))
    html = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    # Tries in the current round; a manual retry starts a new round (the attempts stay).
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ลอง"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    sent_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    # LINE's X-Line-Retry-Key: the same on every try, so LINE never delivers twice.
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("การส่งข้อความ")
        verbose_name_plural = _("การส่งข้อความ")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "recipient", "key"], name="delivery_idempotency"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(
                fields=["orgunit_path"],
                name="delivery_path_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery, kept for the log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("เวลา"))
    outcome = models.CharField(_("ผล"), max_length=8, choices=AttemptOutcome.choices)
    # The HTTP status (LINE) or SMTP reply code (e-mail); empty for network errors.
    code = models.CharField(_("รหัสตอบกลับ"), max_length=8, blank=True)
    detail = models.TextField(_("รายละเอียด"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ครั้งที่ส่ง")
        verbose_name_plural = _("ครั้งที่ส่ง")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome} {self.code}"
