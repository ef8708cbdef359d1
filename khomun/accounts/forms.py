from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from khomun.accounts import policy
from khomun.accounts.choices import Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"),
        "inactive": _("บัญชีนี้ถูกระงับการใช้งาน"),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("รหัส 6 หลักจากแอปยืนยันตัวตน"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("รหัสต้องเป็นตัวเลข 6 หลัก"))
        return token


class AccountForm(forms.Form):
    username = forms.CharField(label=_("ชื่อผู้ใช้"), max_length=150)
    first_name = forms.CharField(label=_("ชื่อ"), max_length=150, required=False)
    last_name = forms.CharField(label=_("นามสกุล"), max_length=150, required=False)
    email = forms.EmailField(label=_("อีเมล"), required=False)
    position = forms.CharField(label=_("ตำแหน่ง"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("บทบาท"))
    orgunit = forms.CharField(
        label=_("รหัสหน่วยงาน"),
        max_length=8,
        help_text=_("เช่น 52 (จังหวัดลำปาง) หรือ 5201 (อำเภอเมืองลำปาง)"),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = policy.grantable_roles(actor)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r, Role(r).label) for r in allowed]


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์ CSV"),
        help_text=_("คอลัมน์: username, first_name, last_name, email, role, orgunit, position"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("ไฟล์ใหญ่เกิน 2 MB"))
        return upload
