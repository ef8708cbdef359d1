from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("เตือนกำหนดส่ง")
    DIGEST = "digest", _("สรุปประจำวัน")
    LETTER = "letter", _("หนังสือราชการ")
    SYSTEM = "system", _("ระบบ")


class Channel(models.TextChoices):
    """Outside channels; the in-app bell is the Notification row itself."""

    EMAIL = "email", _("อีเมล")
    LINE = "line", _("LINE")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("รอส่ง")
    HELD = "held", _("พักไว้ช่วงเวลางดรับ")
    SENT = "sent", _("ส่งแล้ว")
    RETRYING = "retrying", _("รอส่งซ้ำ")
    FAILED = "failed", _("ส่งไม่สำเร็จ")


# Deliveries the sweep may still send.
PENDING_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.HELD, DeliveryStatus.RETRYING)


class AttemptOutcome(models.TextChoices):
    SENT = "sent", _("ส่งสำเร็จ")
    RETRY = "retry", _("ขัดข้องชั่วคราว จะส่งซ้ำ")
    FAILED = "failed", _("ล้มเหลว")
