"""Periods made from a dataset's period rule, and a province's own earlier deadlines."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from khomun.catalog.models import Dataset
from khomun.orgunits.models import OrgUnit


class Period(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("งวดที่"))
    start = models.DateField(_("เริ่ม"))
    end = models.DateField(_("สิ้นสุด"))
    due = models.DateField(_("กำหนดส่งของกรม"))
    on_time_until = models.DateField(_("ส่งทันกำหนดถึง"))
    lock = models.DateField(_("ปิดรับข้อมูล"))
    label_th = models.CharField(max_length=80)
    label_en = models.CharField(max_length=80)
    note_th = models.CharField(max_length=300, blank=True)
    note_en = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["dataset", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="period_dataset_number")
        ]
        indexes = [models.Index(fields=["due"], name="period_due")]

    def __str__(self) -> str:
        return f"{self.dataset.key} {self.dataset.fiscal_year} {self.label_th}"

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" else self.label_th

    @property
    def note(self) -> str:
        return self.note_en if get_language() == "en" and self.note_en else self.note_th

    def is_locked(self, today: dt.date) -> bool:
        return today > self.lock


class ProvinceDeadline(models.Model):
    """A province's internal deadline for its districts: earlier than the department's."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="province_deadlines")
    province = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    due = models.DateField(_("กำหนดส่งของจังหวัด"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "province"], name="provincedeadline_unique")
        ]

    def __str__(self) -> str:
        return f"{self.province.code} {self.period} {self.due}"
