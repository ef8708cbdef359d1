"""The catalog in the database: one Dataset per key and fiscal year, with versions.

The definition itself is data (the YAML of `definitions/<year>/<key>.yaml`, kept as
JSON). A record points at the version it was entered under, so a later change of
fields never breaks it.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from khomun.catalog.choices import VersionStatus
from khomun.catalog.definition import DatasetDefinition, parse_definition


class Dataset(models.Model):
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    key = models.SlugField(_("รหัสฐานข้อมูล"), max_length=40)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    # Copied from the current version so lists need no JSON parsing.
    name_th = models.CharField(_("ชื่อฐานข้อมูล"), max_length=300, blank=True)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=300, blank=True)
    owner = models.CharField(_("เจ้าของข้อมูล"), max_length=40, blank=True)
    unit = models.CharField(_("หน่วยนับ"), max_length=20, blank=True)
    levels = models.JSONField(_("ระดับที่บันทึก"), default=list)
    subject_kind = models.CharField(max_length=40, blank=True)
    current = models.ForeignKey(
        "DatasetVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["fiscal_year", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "key"], name="dataset_year_key")
        ]
        verbose_name = _("ฐานข้อมูล")
        verbose_name_plural = _("ฐานข้อมูล")

    def __str__(self) -> str:
        return f"{self.name} ({self.fiscal_year})"

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_th

    @property
    def is_published(self) -> bool:
        return self.current_id is not None


# Parsed definitions by (version id, made at): the time tells a version from another
# that reused its id (a test database rolled back, say).
_PARSED: dict[tuple[int, Any], DatasetDefinition] = {}
_PARSED_MAX = 500


class DatasetVersion(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("ฉบับที่"))
    definition = models.JSONField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="datasetversion_number")
        ]

    def __str__(self) -> str:
        return f"{self.dataset.key} {self.dataset.fiscal_year} v{self.number}"

    @cached_property
    def parsed(self) -> DatasetDefinition:
        """The definition as typed objects (validated when the version was made).

        A version's definition never changes once stored (a change is a new version),
        so each process parses it once: parsing validates it against the JSON schema
        again, which costs more than the rest of saving a record."""
        key = (self.pk, self.created_at)
        parsed = _PARSED.get(key) if self.pk else None
        if parsed is None:
            parsed = parse_definition(dict(self.definition), f"{self.dataset.key} v{self.number}")
            if self.pk:
                if len(_PARSED) >= _PARSED_MAX:
                    _PARSED.clear()
                _PARSED[key] = parsed
        return parsed
