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
