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


# Built-in reminder offsets, used when neither the department nor the province set a rule.
DEFAULT_DAYS_BEFORE = [7, 1]
DEFAULT_DAYS_AFTER = [1, 3, 7]


class ReminderRule(models.Model):
    """When reminders go out for one dataset: the department's default (no province)
    or a province's own override, which replaces the default for that province.

    Keyed by the dataset's key, not its yearly row, so a rule carries over from one
    fiscal year to the next (each year's catalog makes new Dataset rows).
    """

    dataset_key = models.SlugField(_("รหัสฐานข้อมูล"), max_length=40)
    province = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    days_before = models.JSONField(_("เตือนก่อนครบกำหนด (วัน)"), default=list, blank=True)
    on_due_day = models.BooleanField(_("เตือนในวันครบกำหนด"), default=True)
    days_after = models.JSONField(_("เตือนหลังครบกำหนด (วัน)"), default=list, blank=True)
    weekly_until_lock = models.BooleanField(_("เตือนทุกสัปดาห์จนปิดรับข้อมูล"), default=True)
    enabled = models.BooleanField(_("เปิดใช้การเตือน"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset_key"],
                condition=models.Q(province__isnull=True),
                name="reminderrule_default_unique",
            ),
            models.UniqueConstraint(
                fields=["dataset_key", "province"],
                condition=models.Q(province__isnull=False),
                name="reminderrule_province_unique",
            ),
        ]

    def __str__(self) -> str:
        where = self.province.code if self.province_id and self.province else "TH"
        return f"{self.dataset_key} {where}"


class CalendarFeed(models.Model):
    """A user's private iCal address; the token is the only credential of the feed.

    The token is kept as is (not hashed) so the page can show the address again: a
    user subscribes from a phone and a desktop. The feed holds only due dates of the
    user's own org unit, no personal data; a leaked address is revoked and replaced.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendarfeed_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"
