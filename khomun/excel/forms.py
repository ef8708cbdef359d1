from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from khomun.catalog.models import Dataset
from khomun.excel.exports import FORMATS
from khomun.excel.reading import MAX_FILE_BYTES, too_large_message
from khomun.records.choices import RecordState


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์ Excel (.xlsx) หรือ CSV"),
        help_text=_("ไม่เกิน 20 MB และไม่เกิน 100,000 แถว"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_FILE_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload


class ExportForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("ปีงบประมาณ (พ.ศ.)"), min_value=2500, max_value=2700)
    dataset = forms.ChoiceField(label=_("ฐานข้อมูล"))
    period = forms.IntegerField(
        label=_("งวดที่"), required=False, min_value=1, help_text=_("เว้นว่างเพื่อส่งออกทั้งปี")
    )
    orgunit = forms.CharField(label=_("รหัสพื้นที่"), max_length=8)
    state = forms.ChoiceField(
        label=_("สถานะ"),
        required=False,
        choices=[("", _("ทุกสถานะ")), *RecordState.choices],
    )
    format = forms.ChoiceField(
        label=_("รูปแบบไฟล์"), choices=[(f, f.upper()) for f in FORMATS], initial="xlsx"
    )

    def __init__(self, *args: Any, fiscal_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        datasets = Dataset.objects.filter(fiscal_year=fiscal_year, current__isnull=False)
        field = self.fields["dataset"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.key, d.name) for d in datasets]
