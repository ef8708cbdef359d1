"""Forms of the catalog editor: a dataset definition as plain form fields.

`DatasetEditor` bundles the dataset form, its period rule, a formset of fields and
a formset of cross-field rules. It turns them into the same data as a YAML file
(`to_data`), and puts a DefinitionError back on the form input it names
(`add_definition_error`), so the officer sees the message next to the input.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _

from khomun.catalog.definition import SCHEMA_PATH

TYPE_LABELS = {
    "text": _("ข้อความ"),
    "integer": _("จำนวนเต็ม"),
    "money": _("จำนวนเงิน (บาท)"),
    "decimal": _("ทศนิยม"),
    "date": _("วันที่"),
    "choice": _("เลือกหนึ่งข้อ"),
    "multichoice": _("เลือกได้หลายข้อ"),
    "boolean": _("ใช่/ไม่ใช่"),
    "national_id": _("เลขประจำตัวประชาชน"),
    "phone": _("หมายเลขโทรศัพท์"),
    "orgunit": _("รหัสหน่วยงาน/หมู่บ้าน"),
    "subject": _("อ้างถึงรายการอื่น"),
}
OWNER_LABELS = {
    "strengthening_bureau": _("สำนักเสริมสร้างความเข้มแข็งชุมชน"),
    "capital_bureau": _("สำนักพัฒนาทุนและองค์กรการเงินชุมชน"),
    "wisdom_bureau": _("สำนักส่งเสริมภูมิปัญญาท้องถิ่นและวิสาหกิจชุมชน"),
    "planning_division": _("กองแผนงาน"),
}
UNIT_LABELS = {
    "person": _("คน"),
    "group": _("กลุ่ม"),
    "network": _("เครือข่าย"),
    "place": _("แห่ง"),
    "village": _("หมู่บ้าน"),
    "producer": _("ผู้ผลิต/ผู้ประกอบการ"),
    "activity": _("กิจกรรม"),
    "community": _("ชุมชน"),
    "fund": _("กองทุน"),
}
LEVEL_LABELS = {"district": _("อำเภอ (สพอ.)"), "province": _("จังหวัด (สพจ.)")}
WORKING_GROUP_LABELS = {
    "promotion": _("กลุ่มงานส่งเสริมการพัฒนาชุมชน"),
    "information": _("กลุ่มงานสารสนเทศการพัฒนาชุมชน"),
    "strategy": _("กลุ่มงานยุทธศาสตร์การพัฒนาชุมชน"),
    "administration": _("ฝ่ายอำนวยการ"),
    "economy": _("กลุ่มงานส่งเสริมเศรษฐกิจชุมชน"),
}
RULE_LABELS = {
    "monthly": _("รายเดือน (12 งวด)"),
    "quarterly": _("รายไตรมาส (4 งวด)"),
    "twice_yearly": _("ปีละ 2 งวด"),
    "yearly": _("ปีละ 1 งวด"),
}
MASK_LABELS = {
    "national_id": _("เลขประจำตัวประชาชน"),
    "phone": _("หมายเลขโทรศัพท์"),
    "money": _("จำนวนเงิน"),
}
ORGUNIT_LEVEL_LABELS = {
    "village": _("หมู่บ้าน"),
    "subdistrict": _("ตำบล"),
    "district": _("อำเภอ"),
    "province": _("จังหวัด"),
}
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
KEY_HELP = _("อักษรอังกฤษตัวเล็ก ตัวเลข และ _ ขึ้นต้นด้วยตัวอักษร เช่น members_female")
KEY_INVALID = _("ใช้ได้เฉพาะอักษรอังกฤษตัวเล็ก ตัวเลข และ _ โดยขึ้นต้นด้วยตัวอักษร")


def _key_field(label: Any, *, required: bool = True, help_text: Any = KEY_HELP) -> forms.RegexField:
    return forms.RegexField(
        label=label,
        regex=KEY_PATTERN,
        required=required,
        help_text=help_text,
        error_messages={"invalid": KEY_INVALID},
    )


@functools.cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def _enum(*path: str) -> list[str]:
    """Allowed values, read from the JSON Schema so the editor never drifts from it."""
    node: Any = _schema()
    for part in path:
        node = node[part]
    if "$ref" in node:
        node = _schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
    values: list[str] = node["enum"]
    return values


def _choices(values: list[str], labels: dict[str, Any], blank: bool = False) -> list[Any]:
    options = [(v, labels.get(v, v)) for v in values]
    return [("", "—"), *options] if blank else options


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\s]+", text or "") if part.strip()]


def _number(value: float | None) -> int | float | None:
    """100000.0 from a form becomes 100000 in the file."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


class DatasetForm(forms.Form):
    key = _key_field(_("รหัสฐานข้อมูล (key)"))
    order = forms.IntegerField(label=_("ลำดับในตารางของกรม"), min_value=1)
    name_th = forms.CharField(label=_("ชื่อฐานข้อมูล (ไทย)"), max_length=300)
    name_en = forms.CharField(label=_("ชื่อฐานข้อมูล (อังกฤษ)"), max_length=300)
    description_th = forms.CharField(
        label=_("คำอธิบาย (ไทย)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description_en = forms.CharField(
        label=_("คำอธิบาย (อังกฤษ)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ChoiceField(label=_("สำนัก/กองเจ้าของข้อมูล"))
    owner_th = forms.CharField(label=_("ชื่อเจ้าของข้อมูลที่แสดง"), max_length=300)
    unit = forms.ChoiceField(label=_("หน่วยนับ"))
    unit_field = _key_field(
        _("ฟิลด์ที่เลือกหน่วยนับ (unit_field)"),
        required=False,
        help_text=_("เฉพาะฐานข้อมูลที่นับหลายหน่วย: รหัสฟิลด์ชนิดเลือกหนึ่งข้อที่ค่าเป็นหน่วยนับ"),
    )
    levels = forms.MultipleChoiceField(label=_("ระดับที่บันทึก"), widget=forms.CheckboxSelectMultiple)
    working_group = forms.ChoiceField(label=_("กลุ่มงานที่รับผิดชอบ"))
    subject_kind = _key_field(
        _("ประเภทรายการ (subject kind)"),
        required=False,
        help_text=_("เว้นว่างสำหรับฐานข้อมูลแบบรายงานยอดรวมของหน่วยงาน"),
    )
    subject_label_th = forms.CharField(label=_("ชื่อเรียกรายการ (ไทย)"), required=False)
    subject_label_en = forms.CharField(label=_("ชื่อเรียกรายการ (อังกฤษ)"), required=False)
    subject_orgunit_level = forms.ChoiceField(label=_("รายการขึ้นทะเบียนที่ระดับ"), required=False)

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["key"]  # a dataset keeps its key; a new key is a new dataset
        self._set_choices("owner", _choices(_enum("properties", "owner"), OWNER_LABELS))
        self._set_choices("unit", _choices(_enum("properties", "unit"), UNIT_LABELS))
        self._set_choices("levels", _choices(_enum("properties", "levels", "items"), LEVEL_LABELS))
        groups = _enum("properties", "working_group")
        self._set_choices("working_group", _choices(groups, WORKING_GROUP_LABELS))
        levels = _enum("$defs", "subject", "properties", "orgunit_level")
        self._set_choices("subject_orgunit_level", _choices(levels, ORGUNIT_LEVEL_LABELS, True))

    def _set_choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    MORE = (
        "description_th",
        "description_en",
        "subject_kind",
        "subject_label_th",
        "subject_label_en",
        "subject_orgunit_level",
    )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.MORE]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MORE]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("subject_kind"):
            for name in ("subject_label_th", "subject_orgunit_level"):
                if not cleaned.get(name):
                    self.add_error(name, _("ต้องระบุเมื่อกำหนดประเภทรายการ"))
        return cleaned

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        data: dict[str, Any] = {
            name: c[name]
            for name in (
                "order",
                "name_th",
                "name_en",
                "description_th",
                "description_en",
                "owner",
                "owner_th",
                "unit",
                "unit_field",
                "levels",
                "working_group",
            )
            if c.get(name) not in (None, "", [])
        }
        if "key" in c:
            data = {"key": c["key"], **data}
        if c.get("subject_kind"):
            subject = {
                "kind": c["subject_kind"],
                "label_th": c["subject_label_th"],
                "label_en": c.get("subject_label_en", ""),
                "orgunit_level": c["subject_orgunit_level"],
            }
            data["subject"] = {k: v for k, v in subject.items() if v}
        return data

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in data.items() if k not in ("subject", "periods", "fields")}
        for name, value in (data.get("subject") or {}).items():
            initial[f"subject_{name}"] = value
        return initial


def _notes_text(notes: dict[Any, str] | None) -> str:
    return "\n".join(f"{number}: {text}" for number, text in (notes or {}).items())


def _parse_notes(text: str) -> dict[int, str]:
    notes: dict[int, str] = {}
    for index, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = re.match(r"^\s*(\d{1,2})\s*[:：]\s*(.+?)\s*$", line)
        if match is None:
            raise forms.ValidationError(
                _("บรรทัดที่ %(line)s ต้องเขียนเป็น «เลขงวด: หมายเหตุ» เช่น 1: บันทึกผู้สมัคร"),
                params={"line": index},
            )
        notes[int(match.group(1))] = match.group(2)
    return notes


class PeriodRuleForm(forms.Form):
    rule = forms.ChoiceField(label=_("รูปแบบงวด"))
    due = forms.CharField(
        label=_("วันครบกำหนดส่งของกรม"),
        required=False,
        help_text=_(
            "เดือน-วัน คั่นด้วยจุลภาค เรียงจาก ต.ค. ถึง ก.ย. เช่น 12-20, 03-20, 06-20, 09-20 "
            "หรือใส่เฉพาะเดือน (เช่น 09) หมายถึงวันสิ้นเดือน ไม่ใช้กับงวดรายเดือน"
        ),
    )
    day = forms.IntegerField(
        label=_("วันที่ส่งของเดือนถัดไป (งวดรายเดือน)"), required=False, min_value=1, max_value=28
    )
    notes_th = forms.CharField(
        label=_("หมายเหตุของงวด (ไทย)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("บรรทัดละงวด เช่น 1: บันทึกผู้สมัครภายในไตรมาส ๒"),
    )
    notes_en = forms.CharField(
        label=_("หมายเหตุของงวด (อังกฤษ)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    grace_days = forms.IntegerField(
        label=_("ผ่อนผันหลังวันครบกำหนด (วัน)"), min_value=0, max_value=90, initial=0
    )
    lock_days = forms.IntegerField(
        label=_("ปิดรับข้อมูลหลังวันครบกำหนด (วัน)"), min_value=0, max_value=366, initial=30
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rule"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _choices(_enum("$defs", "periods", "properties", "rule"), RULE_LABELS)

    def clean_notes_th(self) -> dict[int, str]:
        return _parse_notes(self.cleaned_data["notes_th"])

    def clean_notes_en(self) -> dict[int, str]:
        return _parse_notes(self.cleaned_data["notes_en"])

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        data: dict[str, Any] = {"rule": c["rule"]}
        # Only the setting the chosen rule uses, so switching rules needs no clearing.
        if c["rule"] == "monthly":
            if c.get("day") is not None:
                data["day"] = c["day"]
        else:
            data["due"] = _split_list(c.get("due", ""))
        for name in ("notes_th", "notes_en"):
            if c.get(name):
                data[name] = {str(k): v for k, v in c[name].items()}
        data["grace_days"] = c["grace_days"]
        data["lock_days"] = c["lock_days"]
        return data

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        initial = dict(data)
        initial["due"] = ", ".join(data.get("due", []))
        initial["notes_th"] = _notes_text(data.get("notes_th"))
        initial["notes_en"] = _notes_text(data.get("notes_en"))
        return initial


def _choices_text(choices: list[dict[str, str]] | None) -> str:
    return "\n".join(f"{c['value']} | {c['label_th']} | {c['label_en']}" for c in choices or [])


def _parse_choices(text: str) -> list[dict[str, str]]:
    choices = []
    for index, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 3:
            raise forms.ValidationError(
                _("บรรทัดที่ %(line)s ต้องเขียนเป็น «ค่า | ชื่อไทย | ชื่ออังกฤษ» เช่น 1 | ระดับ 1 | Level 1"),
                params={"line": index},
            )
        label_en = parts[2] if len(parts) == 3 and parts[2] else parts[1]
        choices.append({"value": parts[0], "label_th": parts[1], "label_en": label_en})
    return choices


class FieldForm(forms.Form):
    key = _key_field(_("รหัสฟิลด์ (key)"), help_text="")  # explained once above the fields
    type = forms.ChoiceField(label=_("ชนิดข้อมูล"))
    label_th = forms.CharField(label=_("ชื่อที่แสดง (ไทย)"), max_length=300)
    label_en = forms.CharField(label=_("ชื่อที่แสดง (อังกฤษ)"), max_length=300)
    required = forms.BooleanField(label=_("ต้องกรอก"), required=False)
    identity = forms.BooleanField(
        label=_("เป็นชื่อของรายการ"),
        required=False,
        help_text=_("ใช้แสดงในรายการและตรวจรายการซ้ำ เช่น ชื่อกลุ่ม"),
    )
    min = forms.FloatField(label=_("ค่าต่ำสุด"), required=False)
    max = forms.FloatField(label=_("ค่าสูงสุด"), required=False)
    max_length = forms.IntegerField(label=_("ความยาวสูงสุด (ตัวอักษร)"), required=False, min_value=1)
    decimals = forms.IntegerField(
        label=_("จำนวนตำแหน่งทศนิยม"), required=False, min_value=0, max_value=6
    )
    choices = forms.CharField(
        label=_("ตัวเลือก"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("บรรทัดละตัวเลือก: ค่า | ชื่อไทย | ชื่ออังกฤษ (ห้ามเปลี่ยนค่าเมื่อมีข้อมูลแล้ว)"),
    )
    help_th = forms.CharField(label=_("คำอธิบายใต้ช่อง (ไทย)"), required=False)
    help_en = forms.CharField(label=_("คำอธิบายใต้ช่อง (อังกฤษ)"), required=False)
    unit_th = forms.CharField(label=_("หน่วยหลังช่อง (ไทย) เช่น คน บาท"), required=False)
    unit_en = forms.CharField(label=_("หน่วยหลังช่อง (อังกฤษ)"), required=False)
    mask = forms.ChoiceField(label=_("รูปแบบการพิมพ์"), required=False)
    subject_kind = _key_field(_("ประเภทรายการที่อ้างถึง"), required=False, help_text="")
    only_for = forms.CharField(
        label=_("ใช้เฉพาะหน่วยนับ"),
        required=False,
        help_text=_("คั่นด้วยจุลภาค เช่น person (ต้องกำหนด unit_field ของฐานข้อมูล)"),
    )
    default = forms.CharField(
        label=_("ค่าเริ่มต้น"), required=False, help_text=_("เช่น 280000 หรือ true")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = _enum("$defs", "field", "properties", "type")
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)
        # A blank first choice, so that the empty form for a new field stays unchanged.
        type_field.choices = [("", _("— เลือกชนิด —")), *_choices(types, TYPE_LABELS)]
        mask_field = self.fields["mask"]
        assert isinstance(mask_field, forms.ChoiceField)
        masks = _enum("$defs", "field", "properties", "mask")
        mask_field.choices = _choices(masks, MASK_LABELS, blank=True)

    MAIN = ("key", "type", "label_th", "label_en", "required", "identity", "min", "max")
    WIDE = ("choices", "help_th")

    def main_fields(self) -> list[forms.BoundField]:
        """Inputs always shown; the rest sit under "more settings"."""
        return [self[name] for name in (*self.MAIN, "ORDER", "DELETE") if name in self.fields]

    def wide_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.WIDE]

    def more_fields(self) -> list[forms.BoundField]:
        shown = {*self.MAIN, *self.WIDE, "ORDER", "DELETE"}
        return [self[name] for name in self.fields if name not in shown]

    def clean_choices(self) -> list[dict[str, str]]:
        return _parse_choices(self.cleaned_data["choices"])

    def clean_default(self) -> Any:
        text = self.cleaned_data["default"].strip()
        if not text:
            return None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return text

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        data: dict[str, Any] = {
            "key": c["key"],
            "type": c["type"],
            "label_th": c["label_th"],
            "label_en": c["label_en"],
        }
        for flag in ("required", "identity"):
            if c.get(flag):
                data[flag] = True
        for name in ("min", "max"):
            if c.get(name) is not None:
                data[name] = _number(c[name])
        for name in ("max_length", "decimals", "default"):
            if c.get(name) is not None:
                data[name] = c[name]
        if c.get("choices"):
            data["choices"] = c["choices"]
        for name in ("help_th", "help_en", "unit_th", "unit_en", "mask", "subject_kind"):
            if c.get(name):
                data[name] = c[name]
        if c.get("only_for"):
            data["only_for"] = _split_list(c["only_for"])
        return data

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        initial = dict(data)
        initial["choices"] = _choices_text(data.get("choices"))
        initial["only_for"] = ", ".join(data.get("only_for", []))
        if "default" in data:
            initial["default"] = yaml.safe_dump(data["default"], allow_unicode=True).strip()
            initial["default"] = initial["default"].removesuffix("\n...").strip()
        return initial


class RuleForm(forms.Form):
    expr = forms.CharField(
        label=_("เงื่อนไขที่ต้องเป็นจริง"),
        max_length=500,
        help_text=_("ใช้รหัสฟิลด์ตัวเลข เครื่องหมาย + - * / และ == <= >= < > เช่น a + b == c"),
    )
    # Named `targets` here: a form's own `fields` attribute must not be shadowed.
    targets = forms.CharField(label=_("แสดงข้อความที่ฟิลด์"), help_text=_("รหัสฟิลด์ คั่นด้วยจุลภาค"))
    message_th = forms.CharField(label=_("ข้อความแจ้งเมื่อผิด (ไทย)"), max_length=300)
    message_en = forms.CharField(label=_("ข้อความแจ้งเมื่อผิด (อังกฤษ)"), max_length=300)

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        return {
            "expr": c["expr"],
            "fields": _split_list(c["targets"]),
            "message_th": c["message_th"],
            "message_en": c["message_en"],
        }

    @staticmethod
    def initial_from(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "targets": ", ".join(data.get("fields", []))}


class LabelledFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """Thai labels on the formset's own order and delete inputs."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = _("ลำดับ")
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("ลบ")


FieldFormSet = forms.formset_factory(
    FieldForm, formset=LabelledFormSet, extra=1, can_delete=True, can_order=True
)
RuleFormSet = forms.formset_factory(RuleForm, formset=LabelledFormSet, extra=1, can_delete=True)

# "savings_groups (2562): fields[3].type: message" -> source, place, message
ERROR_PARTS = re.compile(r"^(?P<source>[^:]*): (?P<place>[^:]+): (?P<message>.*)$", re.S)
INDEXED_PLACE = re.compile(r"^(?P<list>fields|rules)\[(?P<index>\d+)\](?:\.(?P<attr>\w+))?")
SUBJECT_ATTRS = {"kind", "label_th", "label_en", "orgunit_level"}
RENAMED = {"fields": "targets"}


def _order(value: int | None) -> int:
    """Forms without a number go last; 0 is a number (put it first)."""
    return 10**6 if value is None else value


class DatasetEditor:
    """The dataset, period-rule, fields and rules forms edited as one definition."""

    def __init__(
        self,
        data: Any = None,
        *,
        initial: dict[str, Any] | None = None,
        new: bool = False,
        key: str = "",
    ) -> None:
        initial = initial or {}
        self.key = key
        self.dataset = DatasetForm(
            data, prefix="ds", new=new, initial=DatasetForm.initial_from(initial)
        )
        self.periods = PeriodRuleForm(
            data, prefix="periods", initial=PeriodRuleForm.initial_from(initial.get("periods", {}))
        )
        self.fields = FieldFormSet(
            data,
            prefix="fields",
            initial=[FieldForm.initial_from(f) for f in initial.get("fields", [])] or None,
        )
        self.rules = RuleFormSet(
            data,
            prefix="rules",
            initial=[RuleForm.initial_from(r) for r in initial.get("rules", [])] or None,
        )
        self.errors: list[str] = []
        # Which form each index of the built `fields`/`rules` lists came from.
        self._sources: dict[str, list[Any]] = {"fields": [], "rules": []}

    def is_valid(self) -> bool:
        results = [
            self.dataset.is_valid(),
            self.periods.is_valid(),
            self.fields.is_valid(),
            self.rules.is_valid(),
        ]
        return all(results)

    def _kept(self, formset: forms.BaseFormSet[Any], ordered: bool) -> list[Any]:
        """Forms to keep, in the order asked: not deleted, and not an untouched blank."""
        kept = [
            (index, form)
            for index, form in enumerate(formset.forms)
            if not form.cleaned_data.get("DELETE")
            and (index < formset.initial_form_count() or form.has_changed())
            and form.cleaned_data
        ]
        if ordered:
            kept.sort(key=lambda pair: (_order(pair[1].cleaned_data.get("ORDER")), pair[0]))
        return [form for _index, form in kept]

    def to_data(self) -> dict[str, Any] | None:
        """The definition as file data, or None while a form has errors."""
        if not self.is_valid():
            return None
        data = self.dataset.to_data()
        if self.key:
            data = {"key": self.key, **data}
        data["periods"] = self.periods.to_data()
        self._sources["fields"] = self._kept(self.fields, ordered=True)
        self._sources["rules"] = self._kept(self.rules, ordered=False)
        data["fields"] = [form.to_data() for form in self._sources["fields"]]
        rules = [form.to_data() for form in self._sources["rules"]]
        if rules:
            data["rules"] = rules
        return data

    def add_definition_error(self, message: str) -> None:
        """Show a catalog error at the top and, when it names a place, on that input."""
        self.errors.append(message)
        match = ERROR_PARTS.match(message)
        if match is None:
            return
        place, text = match.group("place"), match.group("message")
        form, name = self._form_for(place)
        if form is None:
            return
        form.add_error(name if name is not None and name in form.fields else None, text)

    def _form_for(self, place: str) -> tuple[forms.Form | None, str | None]:
        indexed = INDEXED_PLACE.match(place)
        if indexed:
            sources = self._sources[indexed.group("list")]
            index, attr = int(indexed.group("index")), indexed.group("attr")
            if index >= len(sources):
                return None, None
            return sources[index], RENAMED.get(attr, attr) if attr else None
        head, _dot, rest = place.partition(".")
        head = head.split("[")[0]
        if head == "periods":
            return self.periods, rest.split("[")[0] or None
        if head == "subject" and rest in SUBJECT_ATTRS:
            return self.dataset, f"subject_{rest}"
        if head in self.dataset.fields:
            return self.dataset, head
        return None, None

    @property
    def form_errors(self) -> list[str]:
        """Every error as one line naming its place, for the summary at the top."""
        lines = list(self.errors)
        for form, prefix in ((self.dataset, ""), (self.periods, str(_("งวด")) + " › ")):
            lines += _error_lines(form, prefix)
        for number, form in enumerate(self.fields.forms, start=1):
            label = form.data.get(form.add_prefix("label_th")) or form.initial.get("label_th", "")
            lines += _error_lines(form, f"{_('ฟิลด์ที่')} {number} {label} › ".replace("  ", " "))
        for number, form in enumerate(self.rules.forms, start=1):
            lines += _error_lines(form, f"{_('เงื่อนไขที่')} {number} › ")
        return lines


def _error_lines(form: forms.Form, prefix: str) -> list[str]:
    if not form.is_bound:
        return []
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        where = f"{field.label}: " if field is not None else ""
        lines += [f"{prefix}{where}{error}" for error in errors]
    return lines


class YamlForm(forms.Form):
    yaml = forms.CharField(
        label=_("นิยามฐานข้อมูล (YAML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
    )

    def clean_yaml(self) -> dict[str, Any]:
        text = self.cleaned_data["yaml"]
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = _(" บรรทัดที่ %(line)s") % {"line": mark.line + 1} if mark is not None else ""
            raise forms.ValidationError(_("อ่าน YAML ไม่ได้") + where) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("ต้องเป็นนิยามฐานข้อมูลหนึ่งชุด (mapping ของ YAML)"))
        return data


class CopyYearForm(forms.Form):
    from_year = forms.TypedChoiceField(label=_("คัดลอกจากปีงบประมาณ"), coerce=int)
    to_year = forms.IntegerField(
        label=_("ไปยังปีงบประมาณ (พ.ศ.)"),
        min_value=2500,
        max_value=2700,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["from_year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(year, str(year)) for year in years]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans each and returns the list."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportForm(forms.Form):
    upload = MultipleFileField(
        label=_("ไฟล์นิยาม (.yaml) หรือไฟล์ .zip ที่ส่งออกจากระบบ"),
        widget=MultipleFileInput(attrs={"accept": ".yaml,.yml,.zip"}),
    )

    def clean_upload(self) -> list[Any]:
        uploads: list[Any] = self.cleaned_data["upload"]
        if sum(upload.size for upload in uploads) > 2 * 1024 * 1024:
            raise forms.ValidationError(_("ไฟล์รวมกันใหญ่เกิน 2 MB"))
        return uploads
