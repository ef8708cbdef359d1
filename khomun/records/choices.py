from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordState(models.TextChoices):
    DRAFT = "draft", _("ฉบับร่าง")
    SUBMITTED = "submitted", _("ส่งแล้ว")
    APPROVED = "approved", _("อนุมัติแล้ว")
    RETURNED = "returned", _("ส่งกลับให้แก้ไข")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("สร้าง")
    UPDATE = "update", _("แก้ไข")
    SUBMIT = "submit", _("ส่ง")
    DELETE = "delete", _("ลบ")
    APPROVE = "approve", _("อนุมัติ")
    RETURN = "return", _("ส่งกลับ")
    MERGE = "merge", _("รวมรายการซ้ำ")
    DISSOLVE = "dissolve", _("ยุบเลิก")


class Entity(models.TextChoices):
    RECORD = "record", _("ข้อมูล")
    SUBJECT = "subject", _("รายการ")
