from __future__ import annotations

import io
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

from khomun.letters.choices import LetterStatus, LetterType
from khomun.letters.content import LetterKind
from khomun.letters.models import CREST_MAX_BYTES, LetterSettings

MONTHS = [
    (10, _("ตุลาคม")), (11, _("พฤศจิกายน")), (12, _("ธันวาคม")), (1, _("มกราคม")),
    (2, _("กุมภาพันธ์")), (3, _("มีนาคม")), (4, _("เมษายน")), (5, _("พฤษภาคม")),
    (6, _("มิถุนายน")), (7, _("กรกฎาคม")), (8, _("สิงหาคม")), (9, _("กันยายน")),
]  # fmt: skip
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class LetterForm(forms.Form):
    letter_type = forms.ChoiceField(label=_("ประเภทหนังสือ"), choices=LetterType.choices)
    kind = forms.ChoiceField(
        label=_("รูปแบบ"), choices=LetterKind.choices, widget=forms.RadioSelect, initial="external"
    )
    fiscal_year = forms.IntegerField(label=_("ปีงบประมาณ"), min_value=2500, max_value=2700)
    month = forms.TypedChoiceField(
        label=_("งวดที่ครบกำหนดในเดือน"), choices=MONTHS, coerce=int, required=False
    )
    districts = forms.MultipleChoiceField(
        label=_("อำเภอที่ยังบันทึกข้อมูลไม่ครบ"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reference_letter = forms.TypedChoiceField(
        label=_("อ้างถึงหนังสือในทะเบียน"), required=False, coerce=int, empty_value=None
    )
    reference = forms.CharField(
        label=_("อ้างถึง (พิมพ์เอง)"),
        max_length=500,
        required=False,
        help_text=_("เช่น หนังสือจังหวัดลำปาง ที่ ลป ๐๐๑๙.๔/ว ๑๖๑๑๙ ลงวันที่ ๒๐ มิถุนายน ๒๕๖๑"),
    )
    date = forms.DateField(label=_("ลงวันที่"), required=False, widget=DATE_INPUT)
    report_by = forms.DateField(label=_("ให้รายงานผลภายในวันที่"), required=False, widget=DATE_INPUT)

    def __init__(
        self,
        *args: Any,
        districts: list[tuple[str, str]] | None = None,
        earlier: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["districts"].choices = districts or []  # type: ignore[attr-defined]
        self.fields["reference_letter"].choices = [("", "—"), *(earlier or [])]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("letter_type") == LetterType.REMINDER:
            if not data.get("month"):
                self.add_error("month", _("หนังสือแจ้งเตือนต้องระบุเดือน"))
            if not data.get("districts"):
                self.add_error("districts", _("เลือกอย่างน้อยหนึ่งอำเภอ"))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ยกเลิก"), max_length=500)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("ค้นหา (เลขที่ เรื่อง ผู้รับ)"), required=False, max_length=200)
    date_from = forms.DateField(label=_("ตั้งแต่วันที่"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("ถึงวันที่"), required=False, widget=DATE_INPUT)
    status = forms.ChoiceField(
        label=_("สถานะ"), required=False, choices=[("", _("ทุกสถานะ")), *LetterStatus.choices]
    )


class LetterSettingsForm(forms.ModelForm[LetterSettings]):
    class Meta:
        model = LetterSettings
        fields = [
            "code",
            "office_name",
            "address",
            "department_line",
            "signer_name",
            "signer_position",
            "memo_signer_position",
            "contact",
            "crest",
            "reminder_body",
            "schedule_body",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("address", "signer_position", "memo_signer_position", "contact")
        } | {
            name: forms.Textarea(attrs={"rows": 10}) for name in ("reminder_body", "schedule_body")
        }

    def clean_crest(self) -> Any:
        crest = self.cleaned_data.get("crest")
        if not crest or not hasattr(crest, "content_type"):
            return crest  # unchanged or cleared
        if crest.size > CREST_MAX_BYTES:
            raise ValidationError(_("ตราครุฑ: ไฟล์ต้องไม่เกิน 512 KB"))
        # Opened for real (a PNG signature on junk is not a crest) and kept as PNG, the
        # one image type the letter renderers embed.
        try:
            with Image.open(crest) as image:
                if image.format not in ("PNG", "JPEG"):
                    raise ValidationError(_("ตราครุฑ: ต้องเป็นไฟล์ภาพ PNG หรือ JPEG"))
                image.load()
                out = io.BytesIO()
                image.save(out, format="PNG")
        except (OSError, Image.DecompressionBombError) as exc:
            raise ValidationError(_("ตราครุฑ: ต้องเป็นไฟล์ภาพ PNG หรือ JPEG")) from exc
        return ContentFile(out.getvalue(), name="crest.png")
