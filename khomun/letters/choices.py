from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterType(models.TextChoices):
    SCHEDULE = "schedule", _("หนังสือแจ้งกำหนดการบันทึกข้อมูล")
    REMINDER = "reminder", _("หนังสือแจ้งเตือนการบันทึกข้อมูล")


class Series(models.TextChoices):
    # A circular letter (หนังสือเวียน) to many recipients carries "ว" before its number.
    CIRCULAR = "circular", _("หนังสือเวียน (ว)")
    ORDINARY = "ordinary", _("หนังสือทั่วไป")


class LetterStatus(models.TextChoices):
    ISSUED = "issued", _("ออกแล้ว")
    CANCELLED = "cancelled", _("ยกเลิก")
    # The number was taken but the files could not be made; the reason is kept.
    VOID = "void", _("ไม่สำเร็จ (เลขที่ถูกใช้แล้ว)")


class Source(models.TextChoices):
    WEB = "web", _("หน้าเว็บ")
    CLI = "cli", _("บรรทัดคำสั่ง")
