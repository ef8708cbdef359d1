"""Letter settings of an office, its numbering counters and the register of letters."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from khomun.letters.choices import LetterStatus, LetterType, Series, Source
from khomun.letters.content import LetterKind
from khomun.letters.templating import TemplateError, validate_template
from khomun.orgunits.models import Office, OrgUnit

CREST_MAX_BYTES = 512 * 1024


def _check_template(value: str) -> None:
    if value.strip():
        try:
            validate_template(value)
        except TemplateError as exc:
            raise ValidationError(str(exc)) from exc


class LetterSettings(models.Model):
    """How an office writes its letters; blank fields fall back to defaults from the
    office and province (see `khomun.letters.defaults`)."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="letter_settings")
    code = models.CharField(_("รหัสหนังสือของสำนักงาน"), max_length=40, blank=True)
    office_name = models.CharField(_("ส่วนราชการเจ้าของหนังสือ"), max_length=200, blank=True)
    address = models.TextField(_("ที่ตั้ง (บรรทัดละหนึ่งรายการ)"), blank=True)
    department_line = models.CharField(_("ส่วนราชการ (บันทึกข้อความ)"), max_length=300, blank=True)
    signer_name = models.CharField(_("ชื่อผู้ลงนาม"), max_length=200, blank=True)
    signer_position = models.TextField(_("ตำแหน่งผู้ลงนาม (หนังสือภายนอก)"), blank=True)
    memo_signer_position = models.TextField(_("ตำแหน่งผู้ลงนาม (บันทึกข้อความ)"), blank=True)
    contact = models.TextField(_("ส่วนราชการเจ้าของเรื่องและโทรศัพท์"), blank=True)
    crest = models.FileField(_("ตราครุฑ"), upload_to="letters/crests/", blank=True)
    reminder_body = models.TextField(
        _("ข้อความหนังสือแจ้งเตือน"), blank=True, validators=[_check_template]
    )
    schedule_body = models.TextField(
        _("ข้อความหนังสือแจ้งกำหนดการ"), blank=True, validators=[_check_template]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("การตั้งค่าหนังสือราชการ")
        verbose_name_plural = _("การตั้งค่าหนังสือราชการ")

    def __str__(self) -> str:
        return str(self.office)


class NumberCounter(models.Model):
    """The last number given in one register: per office, calendar year (BE) and series."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=10, choices=Series.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "series"], name="numbercounter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year} {self.series}: {self.last}"


class Letter(models.Model):
    """One generated letter in the office's register. Its number is never given again,
    even when the letter is cancelled or its files could not be made."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="letters")
    province = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    letter_type = models.CharField(_("ประเภท"), max_length=10, choices=LetterType.choices)
    kind = models.CharField(_("รูปแบบ"), max_length=10, choices=LetterKind.choices)
    series = models.CharField(_("ชุดเลขที่"), max_length=10, choices=Series.choices)
    year = models.PositiveSmallIntegerField(_("ปี พ.ศ. ของทะเบียน"))
    number = models.PositiveIntegerField(_("เลขที่"))
    number_text = models.CharField(_("ที่"), max_length=80)
    date = models.DateField(_("ลงวันที่"))
    subject = models.CharField(_("เรื่อง"), max_length=500)
    addressee = models.CharField(_("เรียน"), max_length=1000)
    recipients = models.JSONField(_("ผู้รับ"), default=list)  # [{"code": "5201", "name": ...}]
    recipient_names = models.TextField(blank=True)  # the names as plain text, for search
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ"))
    month = models.PositiveSmallIntegerField(_("เดือน"), null=True, blank=True)
    reference = models.CharField(_("อ้างถึง"), max_length=500, blank=True)
    enclosures = models.JSONField(_("สิ่งที่ส่งมาด้วย"), default=list)  # titles
    body = models.JSONField(default=list)  # paragraphs, to show the letter again
    pdf = models.FileField(upload_to="letters/%Y/", blank=True)
    docx = models.FileField(upload_to="letters/%Y/", blank=True)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.ISSUED
    )
    source = models.CharField(max_length=4, choices=Source.choices, default=Source.WEB)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("เหตุผลที่ยกเลิก"), max_length=500, blank=True)
    void_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The last guard: whatever happens above, a number is given once.
            models.UniqueConstraint(
                fields=["office", "year", "series", "number"], name="letter_number_unique"
            )
        ]
        indexes = [models.Index(fields=["province", "-date"], name="letter_province_date")]
        verbose_name = _("หนังสือ")
        verbose_name_plural = _("ทะเบียนหนังสือ")

    def __str__(self) -> str:
        return f"{self.number_text} {self.subject}"

    @property
    def is_issued(self) -> bool:
        return self.status == LetterStatus.ISSUED
