from django import forms
from django.utils.translation import gettext_lazy as _

from khomun.monitoring.approval import MAX_COMMENT
from khomun.monitoring.locking import MAX_REOPEN_DAYS


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("เหตุผลที่ส่งกลับ"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("ผู้บันทึกจะเห็นข้อความนี้ที่ข้อมูลแต่ละรายการและที่หน้างวด"),
    )


class ReopenForm(forms.Form):
    days = forms.IntegerField(label=_("จำนวนวัน"), min_value=1, max_value=MAX_REOPEN_DAYS, initial=7)
    reason = forms.CharField(
        label=_("เหตุผล"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
