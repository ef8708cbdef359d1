"""Monitoring keeps little of its own: figures are computed from records on every
read. What it stores is the province's decision to reopen a locked period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import Period


class Reopening(models.Model):
    """A locked period opened again for one district until a date (inclusive).

    The rows are the log: nothing is ever updated or deleted."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    until = models.DateField(_("เปิดรับข้อมูลถึง"))
    reason = models.TextField(_("เหตุผล"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["period", "district", "until"], name="reopening_lookup")]
        verbose_name = _("การเปิดรับข้อมูลอีกครั้ง")
        verbose_name_plural = _("การเปิดรับข้อมูลอีกครั้ง")

    def __str__(self) -> str:
        return f"{self.period} {self.district.code} → {self.until}"


class QualityFlag(models.Model):
    """A value (or a whole record) that looks wrong beyond the field rules, for the
    district to review: confirmed as entered, or corrected. Open flags are recomputed
    whenever the review page opens; decided ones are kept as the record of the review."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("อาจเป็นรายการซ้ำ")
        OWN_HISTORY = "own_history", _("ต่างจากงวดก่อน ๆ ของรายการเดียวกันมาก")
        PEERS = "peers", _("ต่างจากรายการอื่นในพื้นที่มาก")
        UNCHANGED = "unchanged", _("เหมือนงวดก่อนทุกช่อง")

    class Status(models.TextChoices):
        OPEN = "open", _("รอตรวจสอบ")
        CONFIRMED = "confirmed", _("ยืนยันว่าถูกต้อง")
        CORRECTED = "corrected", _("แก้ไขแล้ว")

    record = models.ForeignKey(
        "records.Record", on_delete=models.CASCADE, related_name="quality_flags"
    )
    field_key = models.CharField(max_length=64, blank=True)
    kind = models.CharField(_("ประเภท"), max_length=12, choices=Kind.choices)
    # value, median, mad, ratio, basis ("history"/"last"/"district"/"province"), others ...
    detail = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("หมายเหตุ"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record_id", "kind", "field_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "kind", "field_key"], name="quality_flag_once"
            )
        ]
        verbose_name = _("ข้อสังเกตคุณภาพข้อมูล")
        verbose_name_plural = _("ข้อสังเกตคุณภาพข้อมูล")

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind} {self.field_key} ({self.status})"
