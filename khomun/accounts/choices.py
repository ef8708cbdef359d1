from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The role keys are a contract of the API and CLI: extend, never rename."""

    DEPARTMENT_ADMIN = "department_admin", _("ผู้ดูแลระบบระดับกรม")
    BUREAU_OWNER = "bureau_owner", _("เจ้าของข้อมูลระดับสำนัก/กอง")
    PROVINCE_ADMIN = "province_admin", _("ผู้ดูแลระบบระดับจังหวัด")
    PROVINCE_RECORDER = "province_recorder", _("ผู้บันทึกข้อมูลระดับจังหวัด")
    DISTRICT_RECORDER = "district_recorder", _("ผู้บันทึกข้อมูลระดับอำเภอ")
    DISTRICT_HEAD = "district_head", _("พัฒนาการอำเภอ")
    EXECUTIVE = "executive", _("ผู้บริหาร (ดูอย่างเดียว)")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("เข้าสู่ระบบ")
    LOGIN_FAILED = "login_failed", _("เข้าสู่ระบบไม่สำเร็จ")
    LOCKED_OUT = "locked_out", _("บัญชีถูกล็อก")
    LOGOUT = "logout", _("ออกจากระบบ")
    PASSWORD_CHANGED = "password_changed", _("เปลี่ยนรหัสผ่าน")
    PASSWORD_RESET = "password_reset", _("ตั้งรหัสผ่านใหม่โดยผู้ดูแล")
    ACCOUNT_CREATED = "account_created", _("สร้างบัญชี")
    ACCOUNT_DISABLED = "account_disabled", _("ระงับบัญชี")
    ROLE_GRANTED = "role_granted", _("มอบบทบาท")
    ROLE_REVOKED = "role_revoked", _("ถอนบทบาท")
    TOKEN_ISSUED = "token_issued", _("ออกโทเค็น API")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("เปิดใช้การยืนยันสองขั้นตอน")
    TWO_FACTOR_FAILED = "two_factor_failed", _("รหัสยืนยันสองขั้นตอนไม่ถูกต้อง")
    PERSONAL_DATA_READ = "personal_data_read", _("เปิดดูข้อมูลส่วนบุคคล")
