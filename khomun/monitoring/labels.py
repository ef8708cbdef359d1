"""Thai labels of the figures and statuses, shared by the screens and the exports."""

from django.utils.translation import gettext_lazy as _

FIGURE_LABELS = {
    "expected": _("ต้องบันทึก"),
    "recorded": _("บันทึกแล้ว"),
    "complete": _("ครบถ้วน"),
    "submitted": _("ส่งแล้ว"),
    "approved": _("อนุมัติแล้ว"),
    "returned": _("ส่งกลับ"),
    "on_time": _("ทันกำหนด"),
    "late": _("ล่าช้า"),
    "missing": _("ยังไม่บันทึก"),
    "rate": _("ร้อยละครบถ้วน"),
}

GAP_LABELS = {
    "missing": _("ยังไม่บันทึก"),
    "incomplete": _("ยังไม่ครบถ้วน"),
    "returned": _("ส่งกลับให้แก้ไข"),
}

# Where a district's period stands, as the approval panel says it.
DISTRICT_STATES = {
    "nothing": _("ไม่มีรายการที่ต้องบันทึก"),
    "open": _("กำลังบันทึก ยังไม่ส่ง"),
    "returned": _("ส่งกลับให้แก้ไข"),
    "waiting": _("ส่งแล้ว รอจังหวัดอนุมัติ"),
    "approved": _("จังหวัดอนุมัติแล้ว"),
}
