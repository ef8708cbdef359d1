"""What `khomun generate` wrote, so that it is never written twice by mistake and can
be removed again (`--reset`): one row per run with the id ranges it used."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GeneratedRun(models.Model):
    seed = models.BigIntegerField(_("เลขตั้งต้น (seed)"))
    scale = models.CharField(_("ขอบเขต"), max_length=20)
    province = models.CharField(_("จังหวัด"), max_length=2, blank=True)
    first_year = models.PositiveSmallIntegerField(_("ปีงบประมาณแรก"))
    last_year = models.PositiveSmallIntegerField(_("ปีงบประมาณสุดท้าย"))
    today = models.DateField(_("วันที่อ้างอิง"))
    # Ids are handed out in one block per run: [first, last], empty when first > last.
    first_subject_id = models.BigIntegerField(default=0)
    last_subject_id = models.BigIntegerField(default=0)
    first_record_id = models.BigIntegerField(default=0)
    last_record_id = models.BigIntegerField(default=0)
    subjects = models.BigIntegerField(_("จำนวนรายการ"), default=0)
    records = models.BigIntegerField(_("จำนวนข้อมูล"), default=0)
    villages = models.IntegerField(_("หมู่บ้านที่สร้างใหม่"), default=0)
    seconds = models.FloatField(_("เวลาที่ใช้ (วินาที)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("การสร้างข้อมูลจำลอง")
        verbose_name_plural = _("การสร้างข้อมูลจำลอง")

    def __str__(self) -> str:
        return f"{self.scale} {self.first_year}–{self.last_year} seed {self.seed}"
