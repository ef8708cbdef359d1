"""Forms of the subject screens: register or edit, dissolve, merge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khomun.catalog.definition import FieldDef
from khomun.catalog.validation import clean_field
from khomun.lib.thaidate import be_year
from khomun.records import services

# Subjects sit under a district, a subdistrict or a village (4, 6 or 8 digits).
AREA_CODE_LENGTHS = (4, 6, 8)


class ThaiDateField(forms.CharField):
    """A date typed as 20/03/2562 (Buddhist Era) or 2019-03-20, like the record forms."""

    widget = forms.TextInput(attrs={"placeholder": "วว/ดด/ปปปป", "inputmode": "numeric"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        spec = FieldDef(key="date", type="date", label_th=str(self.label), label_en="")
        cleaned, error = clean_field(spec, text)
        if error:
            raise forms.ValidationError(error)
        return dt.date.fromisoformat(str(cleaned))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            return f"{value.day:02d}/{value.month:02d}/{be_year(value)}"
        return value


class SubjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("ประเภท"))
    name = forms.CharField(label=_("ชื่อ"), max_length=300)
    orgunit = forms.CharField(
        label=_("พื้นที่"),
        max_length=8,
        help_text=_("รหัสหมู่บ้าน 8 หลัก รหัสตำบล 6 หลัก หรือรหัสอำเภอ 4 หลัก"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    national_id = forms.CharField(
        label=_("เลขประจำตัวประชาชน"),
        required=False,
        max_length=17,
        help_text=_("เฉพาะบุคคล: 13 หลัก"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "data-mask": "national_id"}),
    )
    active_from = ThaiDateField(label=_("เริ่มดำเนินการ"), required=False)
    confirm_duplicate = forms.BooleanField(
        label=_("ยืนยันว่าเป็นรายการใหม่ ไม่ใช่รายการที่มีอยู่แล้ว"), required=False
    )

    def __init__(self, *args: Any, kinds: dict[str, str], editing: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", "—"), *kinds.items()]
        if editing:
            self.fields["kind"].disabled = True

    def clean_orgunit(self) -> str:
        code = "".join(str(self.cleaned_data["orgunit"]).split())
        if not (code.isascii() and code.isdigit() and len(code) in AREA_CODE_LENGTHS):
            raise forms.ValidationError(_("รหัสพื้นที่ต้องเป็นตัวเลข 4, 6 หรือ 8 หลัก"))
        return code

    def clean_national_id(self) -> str:
        try:
            return services.clean_national_id(self.cleaned_data["national_id"])
        except services.RecordError as exc:
            raise forms.ValidationError(exc.message) from None


class DissolveForm(forms.Form):
    dissolved_on = ThaiDateField(label=_("ยุบเลิกเมื่อ"))


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("รวมเข้ากับรายการ"), min_value=1)
