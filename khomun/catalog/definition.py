"""Dataset definitions: the YAML files under `definitions/<fiscal_year>/`.

Each file describes one database of one fiscal year (owner, who records it, its
periods and its fields). Loading checks the file against `definition.schema.json`
and then the things a schema cannot say (unique keys, rule expressions, period
counts), so a bad file fails with a Thai message naming the file and the place
inside it, e.g. `savings_groups.yaml: fields[3].type: ...`.
"""

from __future__ import annotations

import ast
import calendar
import copy
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError as SchemaError

DEFINITIONS_ROOT = Path(__file__).with_name("definitions")
SCHEMA_PATH = Path(__file__).with_name("definition.schema.json")

NUMERIC_TYPES = frozenset({"integer", "money", "decimal"})
CHOICE_TYPES = frozenset({"choice", "multichoice"})
UNITS = frozenset(
    {"person", "group", "network", "place", "village", "producer", "activity", "community", "fund"}
)
# How many periods (and due dates) each period rule has in one fiscal year.
PERIOD_COUNTS = {"monthly": 12, "quarterly": 4, "twice_yearly": 2, "yearly": 1}


class DefinitionError(Exception):
    """A definition file is invalid; the message is Thai and says where."""


class ExpressionError(ValueError):
    """A rule expression uses something other than numbers, fields and operators."""


@dataclass(frozen=True)
class Choice:
    value: str
    label_th: str
    label_en: str


@dataclass(frozen=True)
class FieldDef:
    key: str
    type: str
    label_th: str
    label_en: str
    required: bool = False
    min: int | float | None = None
    max: int | float | None = None
    max_length: int | None = None
    decimals: int | None = None
    choices: tuple[Choice, ...] = ()
    help_th: str = ""
    help_en: str = ""
    unit_th: str = ""
    unit_en: str = ""
    subject_kind: str | None = None
    mask: str | None = None
    identity: bool = False
    default: object = None
    only_for: tuple[str, ...] = ()

    def label(self, lang: str = "th") -> str:
        return self.label_en if lang == "en" else self.label_th


@dataclass(frozen=True)
class Rule:
    expr: str
    fields: tuple[str, ...]
    message_th: str
    message_en: str

    def message(self, lang: str = "th") -> str:
        return self.message_en if lang == "en" else self.message_th


@dataclass(frozen=True)
class Subject:
    kind: str
    label_th: str
    orgunit_level: str
    label_en: str = ""


@dataclass(frozen=True)
class PeriodRule:
    rule: str
    due: tuple[str, ...] = ()
    day: int | None = None
    notes_th: Mapping[int, str] = field(default_factory=dict)
    notes_en: Mapping[int, str] = field(default_factory=dict)
    grace_days: int = 0
    lock_days: int = 30

    @property
    def count(self) -> int:
        """Number of periods in the fiscal year."""
        return PERIOD_COUNTS[self.rule]


@dataclass(frozen=True)
class DatasetDefinition:
    key: str
    fiscal_year: int
    order: int
    name_th: str
    name_en: str
    owner: str
    owner_th: str
    unit: str
    levels: tuple[str, ...]
    working_group: str
    periods: PeriodRule
    fields: tuple[FieldDef, ...]
    rules: tuple[Rule, ...] = ()
    subject: Subject | None = None
    unit_field: str | None = None
    description_th: str = ""
    description_en: str = ""
    # Where it was loaded from; not part of equality so that dump -> load is equal.
    source: str = field(default="", compare=False)

    @property
    def field_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def get_field(self, key: str) -> FieldDef:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)


# --- Rule expressions -------------------------------------------------------

# The only syntax a rule may use: numbers, names, arithmetic, comparisons, logic.
ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Name,
    ast.Load,
    ast.Constant,
)
MAX_EXPRESSION_LENGTH = 500


def parse_expression(expr: str) -> ast.Expression:
    """Parse a rule expression, refusing anything but the allowed syntax."""
    if len(expr) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError("นิพจน์ยาวเกินไป")
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"นิพจน์เขียนไม่ถูกต้อง ({exc.msg})") from exc
    for node in ast.walk(tree):
        if not isinstance(node, ALLOWED_NODES):
            allowed = "ใช้ได้เฉพาะตัวเลข ชื่อฟิลด์ และเครื่องหมายคำนวณ/เปรียบเทียบ"
            raise ExpressionError(f"นิพจน์ใช้ {type(node).__name__} ไม่ได้ ({allowed})")
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, int | float)
        ):
            raise ExpressionError(f"นิพจน์ใช้ค่าคงที่ {node.value!r} ไม่ได้ (ใช้ได้เฉพาะตัวเลข)")
    return tree


def expression_names(expr: str) -> set[str]:
    """Field keys an expression reads."""
    tree = parse_expression(expr)
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


# --- Loading ------------------------------------------------------------------


@functools.cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def load_definition(path: Path | str) -> DatasetDefinition:
    """Load one definition file; its name must be `<key>.yaml`."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(f"{path.name}: อ่านไฟล์ไม่ได้: {exc}") from exc
    defn = parse_definition(data, str(path))
    if defn.key != path.stem:
        raise DefinitionError(f"{path.name}: key: ต้องตรงกับชื่อไฟล์ ({path.stem!r})")
    return defn


def load_year(fiscal_year: int, root: Path | None = None) -> list[DatasetDefinition]:
    """All definitions of one fiscal year (BE), sorted by their table number."""
    folder = (root or DEFINITIONS_ROOT) / str(fiscal_year)
    if not folder.is_dir():
        raise DefinitionError(f"{folder}: ไม่มีโฟลเดอร์นิยามฐานข้อมูลของปีงบประมาณ {fiscal_year}")
    definitions = [load_definition(path) for path in sorted(folder.glob("*.yaml"))]
    _check_year(fiscal_year, definitions)
    return sorted(definitions, key=lambda d: d.order)


def _check_year(fiscal_year: int, definitions: Sequence[DatasetDefinition]) -> None:
    seen_orders: dict[int, str] = {}
    for defn in definitions:
        name = Path(defn.source).name
        if defn.fiscal_year != fiscal_year:
            raise DefinitionError(f"{name}: fiscal_year: ต้องเป็น {fiscal_year} ตามโฟลเดอร์")
        if defn.order in seen_orders:
            other = seen_orders[defn.order]
            raise DefinitionError(f"{name}: order: ลำดับ {defn.order} ซ้ำกับ {other}")
        seen_orders[defn.order] = name


def parse_definition(data: dict[str, Any], source: str) -> DatasetDefinition:
    """Check a loaded definition and build it; `source` names it in errors."""
    name = Path(source).name or source
    if not isinstance(data, dict):
        raise DefinitionError(f"{name}: ไฟล์ต้องเป็น mapping ของ YAML")
    data = _normalise_note_keys(data)
    error = jsonschema.exceptions.best_match(_schema_validator().iter_errors(data))
    if error is not None:
        raise DefinitionError(f"{name}: {_where(error.absolute_path)}: {_schema_message(error)}")
    try:
        defn = _build(data, source)
        _check(defn)
    except _Problem as problem:
        raise DefinitionError(f"{name}: {problem.path}: {problem.message}") from None
    return defn


def _normalise_note_keys(data: dict[str, Any]) -> dict[str, Any]:
    """YAML reads `notes_th: {1: ...}` with int keys; JSON Schema wants strings."""
    periods = data.get("periods")
    if not isinstance(periods, dict):
        return data
    data = copy.deepcopy(data)
    for notes_key in ("notes_th", "notes_en"):
        notes = data["periods"].get(notes_key)
        if isinstance(notes, dict):
            data["periods"][notes_key] = {str(k): v for k, v in notes.items()}
    return data


def _where(path: Iterable[str | int]) -> str:
    """`fields[3].type` from a path of keys and indexes."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(ทั้งไฟล์)"


def _schema_message(error: SchemaError) -> str:
    value: Any = error.instance
    expected: Any = error.validator_value
    match error.validator:
        case "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            return f"ขาดคีย์ที่ต้องมี {missing!r}"
        case "additionalProperties":
            schema: Any = error.schema
            unknown = sorted(set(value) - set(schema.get("properties", {})))
            return f"มีคีย์ที่ไม่รู้จัก: {', '.join(map(str, unknown))}"
        case "enum":
            allowed = ", ".join(map(str, expected))
            return f"ค่า {value!r} ไม่อยู่ในค่าที่ใช้ได้: {allowed}"
        case "type":
            return f"ชนิดข้อมูลไม่ถูกต้อง ({value!r}) ต้องเป็น {expected}"
        case "pattern":
            return f"ค่า {value!r} ไม่ตรงรูปแบบ {expected}"
        case "minimum" | "maximum":
            return f"ค่า {value!r} อยู่นอกช่วงที่ใช้ได้ ({error.validator} {expected})"
        case "minItems" | "minLength":
            return "ต้องไม่ว่าง"
        case "uniqueItems":
            return "มีค่าซ้ำกัน"
    return f"ไม่ถูกต้องตามโครงสร้าง ({error.message})"


class _Problem(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _build(data: dict[str, Any], source: str) -> DatasetDefinition:
    subject = data.get("subject")
    return DatasetDefinition(
        key=data["key"],
        fiscal_year=data["fiscal_year"],
        order=data["order"],
        name_th=data["name_th"],
        name_en=data["name_en"],
        owner=data["owner"],
        owner_th=data["owner_th"],
        unit=data["unit"],
        unit_field=data.get("unit_field"),
        levels=tuple(data["levels"]),
        working_group=data["working_group"],
        subject=Subject(**subject) if subject else None,
        periods=_build_periods(data["periods"]),
        fields=tuple(_build_field(f) for f in data["fields"]),
        rules=tuple(
            Rule(r["expr"], tuple(r["fields"]), r["message_th"], r["message_en"])
            for r in data.get("rules", [])
        ),
        description_th=data.get("description_th", ""),
        description_en=data.get("description_en", ""),
        source=source,
    )


def _build_periods(data: dict[str, Any]) -> PeriodRule:
    return PeriodRule(
        rule=data["rule"],
        due=tuple(data.get("due", ())),
        day=data.get("day"),
        notes_th={int(k): v for k, v in data.get("notes_th", {}).items()},
        notes_en={int(k): v for k, v in data.get("notes_en", {}).items()},
        grace_days=data.get("grace_days", 0),
        lock_days=data.get("lock_days", 30),
    )


def _build_field(data: dict[str, Any]) -> FieldDef:
    values = dict(data)
    values["choices"] = tuple(Choice(**c) for c in data.get("choices", ()))
    values["only_for"] = tuple(data.get("only_for", ()))
    return FieldDef(**values)


# --- Checks a schema cannot express ----------------------------------------------


def _check(defn: DatasetDefinition) -> None:
    _check_periods(defn.periods)
    seen: dict[str, int] = {}
    for index, f in enumerate(defn.fields):
        where = f"fields[{index}]"
        if f.key in seen:
            raise _Problem(f"{where}.key", f"คีย์ฟิลด์ {f.key!r} ซ้ำกับ fields[{seen[f.key]}]")
        seen[f.key] = index
        _check_field(f, where, defn)
    _check_unit_field(defn)
    if defn.subject and not any(f.identity for f in defn.fields):
        raise _Problem("fields", "ฐานข้อมูลที่มี subject ต้องมีฟิลด์ identity: true อย่างน้อยหนึ่งฟิลด์")
    for index, rule in enumerate(defn.rules):
        _check_rule(rule, f"rules[{index}]", defn)


def _check_field(f: FieldDef, where: str, defn: DatasetDefinition) -> None:
    numeric = f.type in NUMERIC_TYPES
    if (f.min is not None or f.max is not None) and not numeric:
        raise _Problem(f"{where}.min", f"ใช้ min/max ได้เฉพาะชนิดตัวเลข ไม่ใช่ {f.type!r}")
    if f.min is not None and f.max is not None and f.min > f.max:
        raise _Problem(f"{where}.min", f"min ({f.min}) มากกว่า max ({f.max})")
    if f.max_length is not None and f.type != "text":
        raise _Problem(f"{where}.max_length", "ใช้ max_length ได้เฉพาะชนิด text")
    if f.decimals is not None and f.type != "decimal":
        raise _Problem(f"{where}.decimals", "ใช้ decimals ได้เฉพาะชนิด decimal")
    if f.subject_kind is not None and f.type != "subject":
        raise _Problem(f"{where}.subject_kind", "ใช้ subject_kind ได้เฉพาะชนิด subject")
    _check_choices(f, where)
    if f.only_for:
        _check_only_for(f, where, defn)
    if f.default is not None:
        _check_default(f, where)


def _check_choices(f: FieldDef, where: str) -> None:
    if f.type in CHOICE_TYPES and not f.choices:
        raise _Problem(f"{where}.choices", f"ฟิลด์ชนิด {f.type} ต้องมี choices")
    if f.type not in CHOICE_TYPES and f.choices:
        raise _Problem(f"{where}.choices", f"ฟิลด์ชนิด {f.type} ใช้ choices ไม่ได้")
    values = [c.value for c in f.choices]
    for index, value in enumerate(values):
        if value in values[:index]:
            raise _Problem(f"{where}.choices[{index}].value", f"ค่าตัวเลือก {value!r} ซ้ำ")


def _check_only_for(f: FieldDef, where: str, defn: DatasetDefinition) -> None:
    if defn.unit_field is None:
        raise _Problem(f"{where}.only_for", "ใช้ only_for ได้เมื่อกำหนด unit_field ของฐานข้อมูล")
    if f.key == defn.unit_field:
        raise _Problem(f"{where}.only_for", "ฟิลด์ unit_field ใช้ only_for ไม่ได้")


def _check_default(f: FieldDef, where: str) -> None:
    from khomun.catalog.validation import clean_field  # a cycle if imported at the top

    _value, error = clean_field(f, f.default)
    if error:
        raise _Problem(f"{where}.default", f"ค่าเริ่มต้นไม่ถูกต้อง: {error}")


def _check_unit_field(defn: DatasetDefinition) -> None:
    if defn.unit_field is None:
        return
    if defn.unit_field not in defn.field_keys:
        raise _Problem("unit_field", f"ไม่มีฟิลด์ {defn.unit_field!r}")
    unit_field = defn.get_field(defn.unit_field)
    if unit_field.type != "choice" or not unit_field.required:
        raise _Problem("unit_field", "unit_field ต้องเป็นฟิลด์ชนิด choice ที่ required: true")
    values = {c.value for c in unit_field.choices}
    if not values <= UNITS or defn.unit not in values:
        raise _Problem("unit_field", f"ค่าตัวเลือกต้องเป็นหน่วยนับและรวม unit ({defn.unit!r})")
    for index, f in enumerate(defn.fields):
        unknown = set(f.only_for) - values
        if unknown:
            raise _Problem(f"fields[{index}].only_for", f"ไม่มีตัวเลือก {sorted(unknown)}")


def _check_rule(rule: Rule, where: str, defn: DatasetDefinition) -> None:
    try:
        names = expression_names(rule.expr)
    except ExpressionError as exc:
        raise _Problem(f"{where}.expr", str(exc)) from None
    numeric = {f.key for f in defn.fields if f.type in NUMERIC_TYPES}
    for name in sorted(names):
        if name not in defn.field_keys:
            raise _Problem(f"{where}.expr", f"ไม่มีฟิลด์ชื่อ {name!r}")
        if name not in numeric:
            raise _Problem(f"{where}.expr", f"ฟิลด์ {name!r} ไม่ใช่ตัวเลข ใช้ในนิพจน์ไม่ได้")
    for index, key in enumerate(rule.fields):
        if key not in defn.field_keys:
            raise _Problem(f"{where}.fields[{index}]", f"ไม่มีฟิลด์ชื่อ {key!r}")


def _check_periods(periods: PeriodRule) -> None:
    count = periods.count
    if periods.rule == "monthly":
        if periods.day is None:
            raise _Problem("periods.day", "งวดรายเดือนต้องกำหนด day (วันที่ครบกำหนดของเดือนถัดไป)")
        if periods.due:
            raise _Problem("periods.due", "งวดรายเดือนใช้ day แทน due")
    else:
        if periods.day is not None:
            raise _Problem("periods.day", "ใช้ day ได้เฉพาะงวดรายเดือน (monthly)")
        if len(periods.due) != count:
            raise _Problem("periods.due", f"งวดแบบ {periods.rule} ต้องมีวันครบกำหนด {count} วัน")
        _check_due_dates(periods.due)
    for notes_key in ("notes_th", "notes_en"):
        notes: Mapping[int, str] = getattr(periods, notes_key)
        for number in notes:
            if not 1 <= number <= count:
                raise _Problem(f"periods.{notes_key}", f"ไม่มีงวดที่ {number} (มี {count} งวด)")


def _check_due_dates(due: Sequence[str]) -> None:
    previous = -1
    for index, text in enumerate(due):
        month = int(text[:2])
        # Any year will do except a leap one: 29 February is not a yearly deadline.
        if len(text) > 2 and int(text[3:]) > calendar.monthrange(2019, month)[1]:
            raise _Problem(f"periods.due[{index}]", f"ไม่มีวันที่ {text!r} ในปฏิทิน")
        fiscal_month = (month - 10) % 12  # October is the first month of the fiscal year
        if fiscal_month <= previous:
            raise _Problem(f"periods.due[{index}]", "วันครบกำหนดต้องเรียงตามปีงบประมาณ (ต.ค. ก่อน)")
        previous = fiscal_month


# --- Export -------------------------------------------------------------------


def dump_definition(defn: DatasetDefinition) -> str:
    """The definition as YAML text (the export format); loads back equal."""
    return yaml.safe_dump(
        _to_data(defn), allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )


def _to_data(defn: DatasetDefinition) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": defn.key,
        "fiscal_year": defn.fiscal_year,
        "order": defn.order,
        "name_th": defn.name_th,
        "name_en": defn.name_en,
        "description_th": defn.description_th,
        "description_en": defn.description_en,
        "owner": defn.owner,
        "owner_th": defn.owner_th,
        "unit": defn.unit,
        "unit_field": defn.unit_field,
        "levels": list(defn.levels),
        "working_group": defn.working_group,
    }
    if defn.subject:
        data["subject"] = _without_empty(vars(defn.subject))
    data["periods"] = _periods_data(defn.periods)
    data["fields"] = [_field_data(f) for f in defn.fields]
    if defn.rules:
        data["rules"] = [dict(vars(r), fields=list(r.fields)) for r in defn.rules]
    return _without_empty(data)


def _periods_data(periods: PeriodRule) -> dict[str, Any]:
    data = dict(vars(periods), due=list(periods.due))
    data["notes_th"] = dict(periods.notes_th)
    data["notes_en"] = dict(periods.notes_en)
    return _without_empty(data)


def _field_data(f: FieldDef) -> dict[str, Any]:
    data = dict(vars(f))
    data["choices"] = [vars(c) for c in f.choices]
    data["only_for"] = list(f.only_for)
    for flag in ("required", "identity"):
        if not data[flag]:
            del data[flag]
    return _without_empty(data)


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != "" and v != [] and v != {}}
