"""The entry form of a dataset, built at run time from its definition.

The form only renders the fields and collects what was typed: every check is
`records.services.save_record` / `catalog.validation.validate_values`, whose Thai
messages (naming the field) are shown next to each field. So the Django fields
here are all optional and never validate on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khomun.catalog.definition import NUMERIC_TYPES, DatasetDefinition, FieldDef
from khomun.lib.thaidate import BE_OFFSET, format_date

# The mask entry.js applies when the definition names none.
DEFAULT_MASKS = {"national_id": "national_id", "phone": "phone", "money": "money", "date": "date"}
INPUT_MODES = {
    "integer": "numeric",
    "money": "decimal",
    "decimal": "decimal",
    "national_id": "numeric",
    "phone": "tel",
    "orgunit": "numeric",
    "subject": "numeric",
    "date": "numeric",
}
PLACEHOLDERS = {
    "date": _("วว/ดด/ปปปป พ.ศ."),
    "national_id": "x-xxxx-xxxxx-xx-x",
    "phone": "0xx-xxx-xxxx",
    "money": "0.00",
}
VILLAGE_LIST_ID = "known-villages"


def _widget(f: FieldDef, lang: str) -> forms.Widget:
    attrs: dict[str, Any] = {}
    if mode := INPUT_MODES.get(f.type):
        attrs["inputmode"] = mode
    if mask := f.mask or DEFAULT_MASKS.get(f.type):
        attrs["data-mask"] = mask
    if placeholder := PLACEHOLDERS.get(f.type):
        attrs["placeholder"] = str(placeholder)
    if f.max_length:
        attrs["maxlength"] = f.max_length
    if f.type == "orgunit":
        attrs["list"] = VILLAGE_LIST_ID
    if f.type == "choice":
        blank = [("", gettext("— เลือก —"))]
        return forms.Select(attrs=attrs, choices=blank + _choices(f, lang))
    if f.type == "boolean":
        return forms.Select(
            attrs=attrs,
            choices=[("", "—"), ("true", gettext("ใช่")), ("false", gettext("ไม่ใช่"))],
        )
    return forms.TextInput(attrs=attrs)


def _choices(f: FieldDef, lang: str) -> list[tuple[str, str]]:
    return [(c.value, c.label_en if lang == "en" else c.label_th) for c in f.choices]


def build_field(f: FieldDef, lang: str = "th") -> forms.Field:
    """A Django field that renders `f` (label, help, mask) and accepts anything."""
    label = f.label(lang)
    help_text = f.help_en if lang == "en" else f.help_th
    if f.type == "multichoice":
        return forms.MultipleChoiceField(
            label=label,
            help_text=help_text,
            required=False,
            choices=_choices(f, lang),
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.CharField(
        label=label, help_text=help_text, required=False, widget=_widget(f, lang), strip=False
    )


def to_input(f: FieldDef, value: object) -> object:
    """A stored value as its input shows it: BE dates, money with thousands separators."""
    if value is None:
        return ""
    if f.type == "date" and isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day:02d}/{day.month:02d}/{day.year + BE_OFFSET}"
    if f.type == "money":
        try:
            return f"{Decimal(str(value)):,.2f}"
        except InvalidOperation:
            return value
    if f.type == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    return value


def display_value(f: FieldDef, value: object, lang: str = "th") -> str:
    """A stored value as read-only text: choice labels, Buddhist-Era dates, ใช่/ไม่ใช่."""
    if value is None or value == "" or value == []:
        return "—"
    labels = dict(_choices(f, lang))
    if f.type == "choice":
        return labels.get(str(value), str(value))
    if f.type == "multichoice" and isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if f.type == "boolean":
        return gettext("ใช่") if value in (True, "true") else gettext("ไม่ใช่")
    if f.type == "date" and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value), lang=lang)
        except ValueError:
            return value
    if f.type in NUMERIC_TYPES:
        unit = f.unit_en if lang == "en" else f.unit_th
        return f"{_number_text(f, value)} {unit}".strip()
    return str(value)


def _number_text(f: FieldDef, value: object) -> str:
    if f.type == "money":
        return str(to_input(f, value))
    try:
        return f"{Decimal(str(value)):,}"
    except InvalidOperation:
        return str(value)


@dataclass
class Entry:
    """One field as the template lays it out."""

    fdef: FieldDef
    bound: forms.BoundField
    unit: str
    errors: list[str] = field(default_factory=list)
    saved: str | None = None  # the value someone else saved, shown after a conflict

    @property
    def only_for(self) -> str:
        return " ".join(self.fdef.only_for)


class RecordForm(forms.Form):
    """The entry form of one dataset; `values()` gives what was typed, for the services."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_duplicate = forms.BooleanField(
        required=False, label=_("ยืนยันว่าเป็นรายการใหม่ ไม่ซ้ำกับรายการที่มีอยู่")
    )

    def __init__(
        self,
        defn: DatasetDefinition,
        *,
        lang: str = "th",
        data: Mapping[str, Any] | None = None,
        values: Mapping[str, object] | None = None,
        version: int | None = None,
    ) -> None:
        initial: dict[str, object] = {"version": version}
        for f in defn.fields:
            if values and f.key in values:
                initial[f.key] = to_input(f, values[f.key])
        super().__init__(data=data, initial=initial)
        self.defn = defn
        self.lang = lang
        for f in defn.fields:
            self.fields[f.key] = build_field(f, lang)
            if f.key == defn.unit_field:
                self.fields[f.key].widget.attrs["data-unit-field"] = "1"

    def values(self) -> dict[str, object]:
        """The typed values by field key; fields that do not apply to the unit are dropped."""
        raw: dict[str, object] = {}
        for f in self.defn.fields:
            widget = self.fields[f.key].widget
            raw[f.key] = widget.value_from_datadict(self.data, self.files, self.add_prefix(f.key))
        unit = raw.get(self.defn.unit_field) if self.defn.unit_field else None
        return {key: value for key, value in raw.items() if self._applies(key, unit)}

    def _applies(self, key: str, unit: object) -> bool:
        """A field limited to some units (only_for) applies only when one of them is chosen."""
        only_for = self.defn.get_field(key).only_for
        return not only_for or unit in only_for

    def posted_version(self) -> int | None:
        text = str(self.data.get("version", "")).strip()
        return int(text) if text.isdigit() else None

    @property
    def confirmed(self) -> bool:
        return str(self.data.get("confirm_duplicate", "")) in ("on", "true", "1")

    def entries(
        self,
        errors: Mapping[str, list[str]] | None = None,
        saved: Mapping[str, object] | None = None,
    ) -> list[Entry]:
        errors = errors or {}
        result = []
        for f in self.defn.fields:
            result.append(
                Entry(
                    fdef=f,
                    bound=self[f.key],
                    unit=f.unit_en if self.lang == "en" else f.unit_th,
                    errors=list(errors.get(f.key, [])),
                    saved=display_value(f, saved.get(f.key), self.lang) if saved else None,
                )
            )
        return result

    def other_errors(self, errors: Mapping[str, list[str]]) -> list[str]:
        """Messages about keys that are not fields of the form (e.g. the org unit)."""
        keys = set(self.defn.field_keys)
        return [m for key, messages in errors.items() if key not in keys for m in messages]


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def describe_change(
    defn: DatasetDefinition, before: object, after: object, lang: str = "th"
) -> list[FieldChange]:
    """Old → new per field between two stored value sets, in the definition's order."""
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    changes = []
    known = set(defn.field_keys)
    for f in defn.fields:
        if old.get(f.key) != new.get(f.key):
            changes.append(
                FieldChange(
                    f.label(lang),
                    display_value(f, old.get(f.key), lang),
                    display_value(f, new.get(f.key), lang),
                )
            )
    for key in sorted((set(old) | set(new)) - known):  # fields of another version
        if old.get(key) != new.get(key):
            changes.append(FieldChange(key, str(old.get(key, "—")), str(new.get(key, "—"))))
    return changes
