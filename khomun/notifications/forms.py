from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khomun.notifications.choices import Channel, DeliveryStatus
from khomun.notifications.models import NotificationSettings, validate_line_id
from khomun.orgunits.models import Office

TIME_ERRORS = {"invalid": _("เวลาไม่ถูกต้อง: พิมพ์เป็น ชั่วโมง:นาที เช่น 20:00")}


class SettingsForm(forms.ModelForm[NotificationSettings]):
    quiet_start = forms.TimeField(
        label=_("งดรับตั้งแต่"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=TIME_ERRORS,
    )
    quiet_end = forms.TimeField(
        label=_("งดรับถึง"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=TIME_ERRORS,
        help_text=_("เวลาประเทศไทย ข้ามเที่ยงคืนได้ เช่น 20:00 ถึง 07:00 เว้นว่างทั้งสองช่องถ้าไม่ต้องการ"),
    )

    class Meta:
        model = NotificationSettings
        fields = ["email_enabled", "line_enabled", "quiet_start", "quiet_end"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None) and not self.errors:
            missing = "quiet_end" if end is None else "quiet_start"
            self.add_error(missing, _("ช่วงเวลางดรับต้องมีทั้งเวลาเริ่มและเวลาสิ้นสุด"))
        elif start is not None and start == end:
            self.add_error("quiet_end", _("เวลาสิ้นสุดของช่วงงดรับต้องไม่ตรงกับเวลาเริ่ม"))
        return data


class LineLinkForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("สำนักงาน"),
        queryset=Office.objects.none(),
        error_messages={"invalid_choice": _("เลือกสำนักงานในจังหวัดนี้")},
    )
    target_id = forms.CharField(
        label=_("รหัส LINE (ผู้ใช้ กลุ่ม หรือห้อง)"),
        max_length=33,
        validators=[validate_line_id],
        help_text=_("เช่น C ตามด้วยเลขฐานสิบหก 32 ตัว ได้จากบัญชีทางการเมื่อเชิญเข้ากลุ่ม"),
    )
    display_name = forms.CharField(label=_("ชื่อที่แสดง"), max_length=120, required=False)

    def __init__(self, *args: Any, offices: QuerySet[Office], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["office"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = offices


class LogFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("สถานะ"), required=False, choices=[("", _("ทุกสถานะ")), *DeliveryStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("ช่องทาง"), required=False, choices=[("", _("ทุกช่องทาง")), *Channel.choices]
    )
