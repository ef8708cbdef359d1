"""Imports of spreadsheets (one job per uploaded file) and the log of exports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from khomun.catalog.models import Dataset
from khomun.orgunits.models import OrgUnit
from khomun.schedule.models import Period


class ImportState(models.TextChoices):
    QUEUED = "queued", _("รอคิว")
    CHECKING = "checking", _("กำลังตรวจข้อมูล")
    STORING = "storing", _("กำลังบันทึก")
    DONE = "done", _("บันทึกเรียบร้อย")
    FAILED = "failed", _("ไม่ได้บันทึก")


class ImportJob(models.Model):
    """One uploaded file for one dataset, period and recording unit.

    The file waits in `content` until the background task has read it; it is kept
    while the job has errors (the error report shows its cells) and dropped once
    every row is stored. `orgunit_path` lets a province list its districts' imports
    with one prefix query.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    orgunit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    orgunit_path = models.CharField(max_length=64, editable=False)
    language = models.CharField(max_length=8, default="th")
    file_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    file_kind = models.CharField(max_length=8)  # "xlsx" or "csv"
    file_size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True, editable=False)
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    # [{row, column, field, value, message}], at most MAX_REPORTED_ERRORS of them.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)  # why the whole file was refused, if it was
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["orgunit_path"], name="importjob_path", opclasses=["varchar_pattern_ops"]
            ),
        ]
        verbose_name = _("การนำเข้าไฟล์")
        verbose_name_plural = _("การนำเข้าไฟล์")

    def __str__(self) -> str:
        return f"{self.file_name} → {self.period} {self.orgunit.code}"

    @property
    def is_running(self) -> bool:
        return self.state in (ImportState.QUEUED, ImportState.CHECKING, ImportState.STORING)


class ExportStatus(models.TextChoices):
    STREAMED = "streamed", _("ส่งออกทันที")
    QUEUED = "queued", _("กำลังเตรียมไฟล์")
    READY = "ready", _("พร้อมดาวน์โหลด")
    FAILED = "failed", _("เตรียมไฟล์ไม่สำเร็จ")


class ExportLog(models.Model):
    """Who exported what, when: every export, with whether personal data left unmasked.

    Most exports stream at once (`streamed`); a large .xlsx asked for on a page is
    written in the background (`queued` -> `ready`) into `stored_file`, for the
    user who asked to download when it is ready.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    dataset_key = models.CharField(max_length=40)
    fiscal_year = models.PositiveSmallIntegerField()
    period_number = models.PositiveSmallIntegerField(null=True, blank=True)  # None: whole year
    orgunit_code = models.CharField(max_length=16)
    orgunit_path = models.CharField(max_length=64)
    state = models.CharField(max_length=12, blank=True)
    file_format = models.CharField(max_length=8)
    via_api = models.BooleanField(default=False)
    # Keys of the national-ID and phone fields in the file, and whether they were shown.
    personal_fields = models.JSONField(default=list, blank=True)
    unmasked = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(null=True, blank=True)  # set once the file is complete
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.STREAMED
    )
    stored_file = models.CharField(max_length=200, blank=True)  # name in default storage
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["orgunit_path"], name="exportlog_path", opclasses=["varchar_pattern_ops"]
            ),
        ]
        verbose_name = _("บันทึกการส่งออกข้อมูล")
        verbose_name_plural = _("บันทึกการส่งออกข้อมูล")

    def __str__(self) -> str:
        return f"{self.user} {self.dataset_key} {self.fiscal_year} {self.at:%Y-%m-%d %H:%M}"

    @property
    def has_personal_data(self) -> bool:
        return bool(self.personal_fields)

    @property
    def is_running(self) -> bool:
        return self.status == ExportStatus.QUEUED

    @property
    def download_name(self) -> str:
        part = f"p{self.period_number}" if self.period_number else "all"
        return (
            f"{self.dataset_key}_{self.fiscal_year}_{part}_{self.orgunit_code}.{self.file_format}"
        )
