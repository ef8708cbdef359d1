"""Check one record's values against its dataset definition.

Pure functions, no database: forms, the API and the Excel import all call
`validate_values` and get the same cleaned values and the same Thai messages.
The caller checks that org unit codes and subject ids exist.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin

from khomun.catalog.definition import (
    NUMERIC_TYPES,
    DatasetDefinition,
    ExpressionError,
    FieldDef,
    parse_expression,
)

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
BE_OFFSET = 543
MONEY_STEP = Decimal("0.01")
NUMBER_PATTERN = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
DMY_PATTERN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
ISO_PATTERN = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
TRUE_WORDS = {"true", "1", "yes", "y", "ใช่", "มี"}
FALSE_WORDS = {"false", "0", "no", "n", "ไม่ใช่", "ไม่มี"}

# (Thai, English) message templates; {label} is the field's label.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("กรุณากรอก “{label}”", "{label} is required."),
    "text": ("“{label}” ต้องเป็นข้อความ", "{label} must be text."),
    "max_length": (
        "“{label}” ยาวเกิน {max_length} ตัวอักษร",
        "{label} is longer than {max_length} characters.",
    ),
    "integer": ("“{label}” ต้องเป็นจำนวนเต็ม", "{label} must be a whole number."),
    "number": ("“{label}” ต้องเป็นตัวเลข", "{label} must be a number."),
    "money": (
        "“{label}” ต้องเป็นจำนวนเงินบาท เช่น 1,234.50",
        "{label} must be an amount in baht, e.g. 1,234.50.",
    ),
    "satang": (
        "“{label}” มีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)",
        "{label} may have at most 2 decimals (satang).",
    ),
    "decimals": (
        "“{label}” มีทศนิยมได้ไม่เกิน {decimals} ตำแหน่ง",
        "{label} may have at most {decimals} decimals.",
    ),
    "min": ("“{label}” ต้องไม่น้อยกว่า {min}", "{label} must be at least {min}."),
    "max": ("“{label}” ต้องไม่เกิน {max}", "{label} must be at most {max}."),
    "date": (
        "“{label}” ต้องเป็นวันที่ เช่น 20/03/2562 หรือ 2019-03-20",
        "{label} must be a date, e.g. 20/03/2562 or 2019-03-20.",
    ),
    "choice": ("“{label}” ไม่มีตัวเลือก {value}", "{label} has no option {value}."),
    "boolean": ("“{label}” ต้องเป็น ใช่ หรือ ไม่ใช่", "{label} must be yes or no."),
    "national_id": (
        "“{label}” ต้องเป็นเลขประจำตัวประชาชน 13 หลัก",
        "{label} must be a 13-digit national ID number.",
    ),
    "national_id_checksum": (
        "“{label}” ไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง)",
        "{label} is not valid (the check digit does not match).",
    ),
    "phone": (
        "“{label}” ต้องเป็นเบอร์โทรศัพท์ 9–10 หลักที่ขึ้นต้นด้วย 0",
        "{label} must be a Thai phone number of 9–10 digits starting with 0.",
    ),
    "orgunit": (
        "“{label}” ต้องเป็นรหัสพื้นที่ 2, 4, 6 หรือ 8 หลัก",
        "{label} must be an area code of 2, 4, 6 or 8 digits.",
    ),
    "subject": ("“{label}” ต้องเป็นเลขรหัสที่มากกว่า 0", "{label} must be an id above 0."),
}


class FieldProblem(Exception):
    """A value does not fit its field: `code` names a MESSAGES entry."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ValidationResult:
    cleaned: dict[str, object] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    complete: bool = False


# Field types whose cells repeat from row to row of a file (options, area codes).
REPEATED_TYPES = frozenset({"choice", "multichoice", "boolean", "orgunit"})
Memo = dict[tuple[str, str], tuple[object, str | None]]


def validate_values(
    defn: DatasetDefinition,
    raw: Mapping[str, object],
    *,
    lang: str = "th",
    require_all: bool = False,
    memo: Memo | None = None,
) -> ValidationResult:
    """Clean every field of one record, then check the cross-field rules.

    A draft may be partial: a missing required field is an error only with
    `require_all=True` (submitting), but `complete` always tells whether it is missing.
    Keys that are not fields of the dataset are ignored. `memo`, kept by a caller
    that checks many rows of one definition in one language (an import), remembers
    what each text of an option or area field cleaned to, so a repeated cell is
    cleaned once.
    """
    cleaned: dict[str, object] = {}
    errors: dict[str, list[str]] = {}
    missing = False
    unit = _unit_of(defn, raw)
    for f in defn.fields:
        value = raw.get(f.key)
        if is_empty(value):
            if _is_required(f, unit):
                missing = True
                if require_all:
                    errors.setdefault(f.key, []).append(_message("required", f, lang))
            continue
        if memo is not None and type(value) is str and f.type in REPEATED_TYPES:
            key = (f.key, value)
            if key not in memo:
                memo[key] = clean_field(f, value, lang=lang)
            clean_value, error = memo[key]
            if isinstance(clean_value, list):
                clean_value = list(clean_value)  # each record its own list
        else:
            clean_value, error = clean_field(f, value, lang=lang)
        if error:
            errors.setdefault(f.key, []).append(error)
        else:
            cleaned[f.key] = clean_value
    if defn.rules:
        _check_rules(defn, cleaned, errors, lang)
    return ValidationResult(cleaned, errors, complete=not errors and not missing)


def is_empty(value: object) -> bool:
    """Not yet entered: None, blank text or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | set) and not value


def _unit_of(defn: DatasetDefinition, raw: Mapping[str, object]) -> str | None:
    """The unit a record counts in, when its dataset mixes units (unit_field)."""
    if defn.unit_field is None:
        return None
    value, error = clean_field(defn.get_field(defn.unit_field), raw.get(defn.unit_field))
    return None if error else str(value)


def _is_required(f: FieldDef, unit: str | None) -> bool:
    """A field limited to some units is required only for those units."""
    if not f.required:
        return False
    return not f.only_for or unit in f.only_for


def clean_field(f: FieldDef, value: object, *, lang: str = "th") -> tuple[object, str | None]:
    """(cleaned value, None) or (None, message naming the field)."""
    try:
        return CLEANERS[f.type](f, value), None
    except FieldProblem as problem:
        return None, _message(problem.code, f, lang, **problem.params)


def _message(code: str, f: FieldDef, lang: str, **params: object) -> str:
    thai, english = MESSAGES[code]
    template = english if lang == "en" else thai
    return template.format(label=f.label(lang), **params)


# --- One cleaner per field type ------------------------------------------------


def _text_of(value: object) -> str:
    """Text with Thai digits turned into Arabic ones; numbers from Excel allowed."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise FieldProblem("text")
    return str(value).translate(THAI_DIGITS).strip()


def clean_text(f: FieldDef, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise FieldProblem("text")
    text = " ".join(str(value).split())  # one space between words, none around
    if f.max_length is not None and len(text) > f.max_length:
        raise FieldProblem("max_length", max_length=f.max_length)
    return text


def parse_number(value: object) -> Decimal:
    """A Decimal from 1234.5, "1,234.50" or "๑,๒๓๔.๕๐"; FieldProblem("number") if not."""
    if isinstance(value, bool):
        raise FieldProblem("number")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))  # repr: 0.1 stays 0.1, not its binary expansion
    elif isinstance(value, str):
        text = value.translate(THAI_DIGITS).strip().replace(" ", "")
        if not NUMBER_PATTERN.fullmatch(text):
            raise FieldProblem("number")
        number = Decimal(text.replace(",", ""))
    else:
        raise FieldProblem("number")
    if not number.is_finite():
        raise FieldProblem("number")
    return number


def _check_range(f: FieldDef, number: Decimal) -> None:
    if f.min is not None and number < Decimal(repr(f.min)):
        raise FieldProblem("min", min=f"{f.min:,}")
    if f.max is not None and number > Decimal(repr(f.max)):
        raise FieldProblem("max", max=f"{f.max:,}")


def _decimal_places(number: Decimal) -> int:
    if number.as_tuple().exponent == 0:  # a whole number as written: nothing to strip
        return 0
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def clean_integer(f: FieldDef, value: object) -> int:
    try:
        number = parse_number(value)
    except FieldProblem:
        raise FieldProblem("integer") from None
    if number != number.to_integral_value():
        raise FieldProblem("integer")
    _check_range(f, number)
    return int(number)


def clean_money(f: FieldDef, value: object) -> str:
    """Baht with satang as text with 2 decimals: "1234.50"."""
    try:
        number = parse_number(value)
    except FieldProblem:
        raise FieldProblem("money") from None
    if _decimal_places(number) > 2:
        raise FieldProblem("satang")
    _check_range(f, number)
    return str(number.quantize(MONEY_STEP))


def clean_decimal(f: FieldDef, value: object) -> str:
    number = parse_number(value)
    decimals = 2 if f.decimals is None else f.decimals
    if _decimal_places(number) > decimals:
        raise FieldProblem("decimals", decimals=decimals)
    _check_range(f, number)
    return str(number.quantize(Decimal(1).scaleb(-decimals)))


def clean_date(f: FieldDef, value: object) -> str:
    """ISO text; accepts YYYY-MM-DD and DD/MM/YYYY, a year above 2400 being BE."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise FieldProblem("date")
    text = value.translate(THAI_DIGITS).strip()
    if match := ISO_PATTERN.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := DMY_PATTERN.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise FieldProblem("date")
    if year > 2400:
        year -= BE_OFFSET
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise FieldProblem("date") from None


def _choice_value(f: FieldDef, value: object) -> str:
    """The stored value of an option given its value or its Thai/English label."""
    text = _text_of(value)
    for choice in f.choices:
        if text in (choice.value, choice.label_th, choice.label_en):
            return choice.value
    raise FieldProblem("choice", value=f"“{text}”")


def clean_choice(f: FieldDef, value: object) -> str:
    return _choice_value(f, value)


def clean_multichoice(f: FieldDef, value: object) -> list[str]:
    """A list in the definition's order; also accepts "a, b" text from Excel."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple | set):
        raise FieldProblem("choice", value=f"“{value}”")
    chosen = {_choice_value(f, item) for item in items if not is_empty(item)}
    return [c.value for c in f.choices if c.value in chosen]


def clean_boolean(f: FieldDef, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.translate(THAI_DIGITS).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise FieldProblem("boolean")


def _digits_only(value: object, code: str) -> str:
    """Digits with dashes, spaces and dots removed; FieldProblem(code) otherwise."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise FieldProblem(code)
    text = re.sub(r"[\s\-.()]", "", str(value).translate(THAI_DIGITS))
    if not text.isascii() or not text.isdigit():
        raise FieldProblem(code)
    return text


def clean_national_id(f: FieldDef, value: object) -> str:
    number = _digits_only(value, "national_id")
    if len(number) != 13:
        raise FieldProblem("national_id")
    try:
        return str(pin.validate(number))
    except StdnumError:
        raise FieldProblem("national_id_checksum") from None


def clean_phone(f: FieldDef, value: object) -> str:
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.startswith("+66"):
        text = "0" + text[3:].lstrip(" -")  # +66 81 ... is 081 ...
    number = _digits_only(text, "phone")
    if not (9 <= len(number) <= 10 and number.startswith("0")):
        raise FieldProblem("phone")
    return number


def clean_orgunit(f: FieldDef, value: object) -> str:
    if not isinstance(value, str):  # an int would lose nothing, but codes are text
        raise FieldProblem("orgunit")
    code = value.translate(THAI_DIGITS).strip()
    if not (code.isascii() and code.isdigit() and len(code) in (2, 4, 6, 8)):
        raise FieldProblem("orgunit")
    return code


def clean_subject(f: FieldDef, value: object) -> int:
    try:
        number = parse_number(value)
    except FieldProblem:
        raise FieldProblem("subject") from None
    if number != number.to_integral_value() or number < 1:
        raise FieldProblem("subject")
    return int(number)


CLEANERS: dict[str, Callable[[FieldDef, object], object]] = {
    "text": clean_text,
    "integer": clean_integer,
    "money": clean_money,
    "decimal": clean_decimal,
    "date": clean_date,
    "choice": clean_choice,
    "multichoice": clean_multichoice,
    "boolean": clean_boolean,
    "national_id": clean_national_id,
    "phone": clean_phone,
    "orgunit": clean_orgunit,
    "subject": clean_subject,
}


# --- Cross-field rules -----------------------------------------------------------


def _check_rules(
    defn: DatasetDefinition,
    cleaned: Mapping[str, object],
    errors: dict[str, list[str]],
    lang: str,
) -> None:
    numbers = {
        f.key: Decimal(str(cleaned[f.key]))
        for f in defn.fields
        if f.type in NUMERIC_TYPES and f.key in cleaned
    }
    known = frozenset(defn.field_keys)
    for rule in defn.rules:
        try:
            passed = evaluate(rule.expr, numbers, known=known)
        except (FieldNotEntered, ZeroDivisionError, InvalidOperation):
            continue  # a field it reads is empty or invalid: judged once entered
        if not passed:
            for key in rule.fields:
                errors.setdefault(key, []).append(rule.message(lang))


class FieldNotEntered(Exception):
    """A rule reads a field that has no valid value yet: the rule is skipped."""


def evaluate(
    expr: str, values: Mapping[str, Decimal], *, known: frozenset[str] | None = None
) -> object:
    """Evaluate a rule expression over field values, without Python's eval.

    Only numbers, names in `values`, + - * /, comparisons, and/or/not and
    parentheses are allowed; anything else raises ExpressionError. A name in
    `known` but not in `values` is a field not entered yet: FieldNotEntered.
    """
    return _compiled(expr)(values, known or frozenset())


Evaluator = Callable[[Mapping[str, Decimal], frozenset[str]], object]


@functools.lru_cache(maxsize=1024)
def _compiled(expr: str) -> Evaluator:
    """The expression parsed, and turned into one function per node, once per text:
    an import checks every row against the same few rules, and parsing or walking
    the tree costs far more than the arithmetic. A refused expression is not cached
    and raises every time."""
    return _compile(parse_expression(expr).body)


def _compile(node: ast.AST) -> Evaluator:
    """What evaluating `node` does, as a function of (values, known); `and`, `or`
    and chained comparisons stop at the first part that decides, as in Python."""
    match node:
        case ast.Constant(value=int() | float() as number) if not isinstance(number, bool):
            constant = Decimal(repr(number))
            return lambda values, known: constant
        case ast.Name(id=name):
            return lambda values, known: _lookup(name, values, known)
        case ast.UnaryOp(op=unary, operand=operand):
            inner = _compile(operand)
            return lambda values, known: _unary(unary, inner(values, known))
        case ast.BinOp(left=left, op=binary, right=right):
            first, second = _compile(left), _compile(right)
            return lambda values, known: _binary(
                binary, first(values, known), second(values, known)
            )
        case ast.BoolOp(op=ast.And(), values=parts):
            every = [_compile(part) for part in parts]
            return lambda values, known: all(part(values, known) for part in every)
        case ast.BoolOp(op=ast.Or(), values=parts):
            some = [_compile(part) for part in parts]
            return lambda values, known: any(part(values, known) for part in some)
        case ast.Compare(left=left, ops=ops, comparators=rights):
            return _compile_compare(left, ops, rights)
    raise ExpressionError(f"นิพจน์ใช้ {type(node).__name__} ไม่ได้")


def _compile_compare(left: ast.expr, ops: list[ast.cmpop], rights: list[ast.expr]) -> Evaluator:
    """A chained comparison such as `0 <= a <= b`."""
    first = _compile(left)
    steps = []
    for op, right in zip(ops, rights, strict=True):
        compare = COMPARISONS.get(type(op))
        if compare is None:
            raise ExpressionError(f"นิพจน์ใช้ {type(op).__name__} ไม่ได้")
        steps.append((compare, _compile(right)))

    def evaluate_chain(values: Mapping[str, Decimal], known: frozenset[str]) -> bool:
        current = _as_number(first(values, known))
        for compare, right in steps:
            number = _as_number(right(values, known))
            if not compare(current, number):
                return False
            current = number
        return True

    return evaluate_chain


def _lookup(name: str, values: Mapping[str, Decimal], known: frozenset[str]) -> Decimal:
    if name in values:
        return values[name]
    if name in known:
        raise FieldNotEntered(name)
    raise ExpressionError(f"ไม่มีฟิลด์ชื่อ {name!r}")


def _unary(op: ast.unaryop, operand: object) -> object:
    if isinstance(op, ast.Not):
        return not operand
    number = _as_number(operand)
    return -number if isinstance(op, ast.USub) else +number


def _binary(op: ast.operator, left: object, right: object) -> Decimal:
    a, b = _as_number(left), _as_number(right)
    if isinstance(op, ast.Add):
        return a + b
    if isinstance(op, ast.Sub):
        return a - b
    if isinstance(op, ast.Mult):
        return a * b
    if isinstance(op, ast.Div):
        return a / b
    raise ExpressionError(f"นิพจน์ใช้ {type(op).__name__} ไม่ได้")


COMPARISONS: dict[type[ast.cmpop], Callable[[Decimal, Decimal], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}


def _as_number(value: object) -> Decimal:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        return value
    raise ExpressionError("นิพจน์ต้องคำนวณกับตัวเลข")
