"""A province's own deadline, typed the way Thai offices write dates: 6/9/2561."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khomun.lib.thaidate import BE_OFFSET

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# A four-digit year above this is Buddhist Era (2561), below it Christian Era (2018).
BE_THRESHOLD = 2400


class BuddhistDateField(forms.Field):
    """A date as day/month/BE year ("6/9/2561", Thai digits too) or ISO ("2018-09-06")."""

    widget = forms.TextInput(attrs={"placeholder": "วว/ดด/ปปปป", "inputmode": "numeric"})
    default_error_messages = {
        "invalid": _("วันที่ต้องเขียนเป็น วัน/เดือน/ปี พ.ศ. เช่น 6/9/2561"),
    }

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        text = str(value or "").strip().translate(THAI_DIGITS)
        if not text:
            return None
        iso, dmy = ISO.match(text), DAY_MONTH_YEAR.match(text)
        if iso:
            year, month, day = (int(part) for part in iso.groups())
        elif dmy:
            day, month, year = (int(part) for part in dmy.groups())
        else:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if year > BE_THRESHOLD:
            year -= BE_OFFSET
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return f"{value.day}/{value.month}/{value.year + BE_OFFSET}"
        return value


class DeadlineForm(forms.Form):
    due = BuddhistDateField(
        label=_("กำหนดส่งของจังหวัด"),
        required=False,
        # One input per table row: the column heading is its visible label.
        widget=forms.TextInput(
            attrs={
                "placeholder": "วว/ดด/ปปปป",
                "inputmode": "numeric",
                "aria-label": _("กำหนดส่งของจังหวัด"),
            }
        ),
        help_text=_("เว้นว่างเพื่อใช้กำหนดส่งของกรม"),
    )


OFFSET_SPLIT = re.compile(r"[,\s]+")


class OffsetListField(forms.Field):
    """Days as a list typed "7, 1" (Thai digits too: "๗, ๑"); empty means none."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "7, 1"})

    def __init__(self, *, maximum: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.maximum = maximum

    def to_python(self, value: Any) -> list[int]:
        if isinstance(value, list):
            return value
        text = str(value or "").translate(THAI_DIGITS).strip(" ,")
        parts = [part for part in OFFSET_SPLIT.split(text) if part]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("%(field)s: ใส่จำนวนวันเป็นเลขจำนวนเต็มไม่ติดลบ คั่นด้วยจุลภาค เช่น 7, 1"),
                code="invalid",
                params={"field": self.label},
            )
        days = sorted({int(part) for part in parts}, reverse=True)
        if days and days[0] > self.maximum:
            raise forms.ValidationError(
                _("%(field)s: ไม่เกิน %(max)s วัน"),
                code="max",
                params={"field": self.label, "max": self.maximum},
            )
        return days

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(n) for n in value)
        return value


class ReminderRuleForm(forms.Form):
    enabled = forms.BooleanField(label=_("เปิดใช้การเตือน"), required=False)
    days_before = OffsetListField(
        label=_("เตือนก่อนครบกำหนด (วัน)"),
        maximum=366,
        required=False,
        help_text=_("เช่น 7, 1 = เตือนก่อน 7 วันและ 1 วัน"),
    )
    on_due_day = forms.BooleanField(label=_("เตือนในวันครบกำหนด"), required=False)
    days_after = OffsetListField(
        label=_("เตือนหลังครบกำหนด (วัน)"),
        maximum=366,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1, 3, 7"}),
        required=False,
        help_text=_("เช่น 1, 3, 7"),
    )
    weekly_until_lock = forms.BooleanField(label=_("จากนั้นเตือนทุกสัปดาห์จนปิดรับข้อมูล"), required=False)
