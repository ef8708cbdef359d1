"""One record's values checked against its dataset definition."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khomun.catalog.definition import ExpressionError, load_year, parse_definition
from khomun.catalog.validation import FieldNotEntered, evaluate, validate_values

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def with_check_digit(first12):
    """A national ID from its first 12 digits, by the formula of SPEC §7."""
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


VALID_ID = with_check_digit("110170023070")  # 1101700230708
WRONG_ID = VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10)


def field(key, type_, label_th, label_en, **extra):
    return {"key": key, "type": type_, "label_th": label_th, "label_en": label_en, **extra}


COLOURS = [
    {"value": "red", "label_th": "แดง", "label_en": "Red"},
    {"value": "green", "label_th": "เขียว", "label_en": "Green"},
    {"value": "blue", "label_th": "น้ำเงิน", "label_en": "Blue"},
]

ALL_TYPES = parse_definition(
    {
        "key": "all_types",
        "fiscal_year": 2562,
        "order": 1,
        "name_th": "ทุกชนิดฟิลด์",
        "name_en": "All field types",
        "owner": "planning_division",
        "owner_th": "กองแผนงาน",
        "unit": "group",
        "levels": ["district"],
        "working_group": "information",
        "periods": {"rule": "yearly", "due": ["09"]},
        "fields": [
            field("name", "text", "ชื่อกลุ่ม", "Group name", required=True, max_length=10),
            field("count", "integer", "จำนวนสมาชิก", "Members", min=0, max=5000),
            field("amount", "money", "ยอดเงินออม", "Savings", min=0),
            field("rate", "decimal", "อัตราดอกเบี้ย", "Interest rate", decimals=1, max=100),
            field("day", "date", "วันที่ก่อตั้ง", "Founded on"),
            field("colour", "choice", "สีประจำกลุ่ม", "Group colour", choices=COLOURS),
            field("colours", "multichoice", "สีที่ใช้", "Colours used", choices=COLOURS),
            field("active", "boolean", "ยังดำเนินการอยู่", "Still active"),
            field("pid", "national_id", "เลขประจำตัวประชาชน", "National ID number"),
            field("phone", "phone", "เบอร์โทรศัพท์", "Phone"),
            field("area", "orgunit", "หมู่บ้าน", "Village"),
            field("parent", "subject", "กลุ่มแม่", "Parent group", subject_kind="savings_group"),
        ],
    },
    "all_types.yaml",
)


def check(key, value, *, lang="th"):
    return validate_values(ALL_TYPES, {key: value}, lang=lang)


def cleaned(key, value):
    result = check(key, value)
    assert result.errors == {}, result.errors
    return result.cleaned[key]


def rejected(key, value, *, lang="th"):
    result = check(key, value, lang=lang)
    assert key in result.errors, result.cleaned
    assert key not in result.cleaned
    return result.errors[key][0]


def savings_groups():
    return {d.key: d for d in load_year(2562)}["savings_groups"]


GOOD_GROUP = {
    "group_name": "กลุ่มออมทรัพย์บ้านหนองบัว",
    "village": "36010101",
    "members_male": "40",
    "members_female": "60",
    "members": "100",
    "savings_balance": "1,250,000.50",
    "loans_outstanding": "900,000",
}


# --- Text, numbers and money ---------------------------------------------------------


def test_text_is_trimmed_and_single_spaced():
    assert cleaned("name", "  กลุ่ม   ก  ") == "กลุ่ม ก"


def test_text_longer_than_max_length_is_rejected_in_thai():
    message = rejected("name", "ก" * 11)
    assert "ชื่อกลุ่ม" in message
    assert "10" in message


def test_text_rejects_a_list():
    assert "ชื่อกลุ่ม" in rejected("name", ["a"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (12, 12), ("1,200", 1200), ("๔๒", 42), (12.0, 12), (" 7 ", 7)],
)
def test_integer_accepts_plain_grouped_and_thai_digits(raw, expected):
    assert cleaned("count", raw) == expected


@pytest.mark.parametrize("raw", ["12.5", 12.5, "abc", "1,2", True, "12 คน"])
def test_integer_rejects_fractions_words_and_booleans(raw):
    assert rejected("count", raw) == "“จำนวนสมาชิก” ต้องเป็นจำนวนเต็ม"


def test_integer_range_errors_name_the_label_and_limit():
    assert rejected("count", "-1") == "“จำนวนสมาชิก” ต้องไม่น้อยกว่า 0"
    assert rejected("count", 5001) == "“จำนวนสมาชิก” ต้องไม่เกิน 5,000"


def test_errors_are_english_with_lang_en():
    assert rejected("count", 5001, lang="en") == "Members must be at most 5,000."
    assert "Members" in rejected("count", "x", lang="en")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("1234.5", "1234.50"),
        ("1234", "1234.00"),
        (1234, "1234.00"),
        (1234.5, "1234.50"),
        (Decimal("0.10"), "0.10"),
        ("๑,๒๓๔.๕๐", "1234.50"),
        ("1,000,000", "1000000.00"),
        ("280000.00", "280000.00"),
    ],
)
def test_money_is_normalised_to_two_decimals(raw, expected):
    assert cleaned("amount", raw) == expected


def test_money_rejects_fractions_of_a_satang():
    assert rejected("amount", "12.345") == "“ยอดเงินออม” มีทศนิยมได้ไม่เกิน 2 ตำแหน่ง (สตางค์)"


@pytest.mark.parametrize("raw", ["1,23.4", "12,34", "abc", "1.2.3", "NaN", "Infinity", {}, True])
def test_money_rejects_what_is_not_an_amount(raw):
    assert "ยอดเงินออม" in rejected("amount", raw)


def test_money_respects_min():
    assert rejected("amount", "-0.01") == "“ยอดเงินออม” ต้องไม่น้อยกว่า 0"


def group_thousands(text):
    whole, _, satang = text.partition(".")
    return f"{int(whole):,}.{satang}"


@given(st.decimals(min_value=0, max_value=10**12, places=2), st.booleans(), st.booleans())
def test_money_round_trips_through_separators_and_thai_digits(amount, grouped, thai):
    text = f"{amount:.2f}"
    typed = group_thousands(text) if grouped else text
    if thai:
        typed = typed.translate(THAI)
    assert cleaned("amount", typed) == text


def test_decimal_keeps_its_declared_places():
    assert cleaned("rate", "3.5") == "3.5"
    assert cleaned("rate", "3") == "3.0"
    assert rejected("rate", "3.25") == "“อัตราดอกเบี้ย” มีทศนิยมได้ไม่เกิน 1 ตำแหน่ง"
    assert "100" in rejected("rate", "100.5")


# --- Dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-03-20", "2019-03-20"),
        ("20/03/2019", "2019-03-20"),
        ("20/03/2562", "2019-03-20"),
        ("2562-03-20", "2019-03-20"),
        ("๒๐/๐๓/๒๕๖๒", "2019-03-20"),
        ("1/10/2561", "2018-10-01"),
        (dt.date(2019, 3, 20), "2019-03-20"),
        (dt.datetime(2019, 3, 20, 14, 5), "2019-03-20"),
    ],
)
def test_dates_become_iso_with_buddhist_era_converted(raw, expected):
    assert cleaned("day", raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2562", "2019/03/20", "20-03-2562", "march", 20190320])
def test_dates_reject_impossible_or_unknown_formats(raw):
    assert "วันที่ก่อตั้ง" in rejected("day", raw)


def test_29_february_exists_only_in_leap_years_after_conversion():
    assert cleaned("day", "29/02/2563") == "2020-02-29"
    assert "วันที่ก่อตั้ง" in rejected("day", "29/02/2562")


# --- Choices and booleans ---------------------------------------------------------------


def test_choice_accepts_the_value_or_a_label():
    assert cleaned("colour", "red") == "red"
    assert cleaned("colour", "เขียว") == "green"
    assert cleaned("colour", "Blue") == "blue"


def test_choice_rejects_an_unknown_option_naming_it():
    assert rejected("colour", "pink") == "“สีประจำกลุ่ม” ไม่มีตัวเลือก “pink”"


def test_multichoice_is_a_list_in_definition_order_without_repeats():
    assert cleaned("colours", ["blue", "red", "blue"]) == ["red", "blue"]
    assert cleaned("colours", "น้ำเงิน, แดง") == ["red", "blue"]


def test_multichoice_rejects_an_unknown_option():
    assert "สีที่ใช้" in rejected("colours", ["red", "pink"])
    assert "สีที่ใช้" in rejected("colours", 3)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(True, True), (False, False), ("true", True), ("false", False), ("ใช่", True)]
    + [("ไม่ใช่", False), (1, True), (0, False), ("1", True), ("0", False), ("๑", True)],
)
def test_boolean_accepts_thai_and_english_words(raw, expected):
    assert cleaned("active", raw) is expected


@pytest.mark.parametrize("raw", ["maybe", 2, "ไม่แน่ใจ", 1.5])
def test_boolean_rejects_anything_else(raw):
    assert rejected("active", raw) == "“ยังดำเนินการอยู่” ต้องเป็น ใช่ หรือ ไม่ใช่"


# --- Identifiers ---------------------------------------------------------------------------


def test_the_test_id_is_built_by_the_checksum_formula():
    assert VALID_ID == "1101700230708"


@pytest.mark.parametrize(
    "raw", [VALID_ID, "1-1017-00230-70-8", "1 1017 00230 70 8", VALID_ID.translate(THAI)]
)
def test_national_id_is_normalised_to_13_digits(raw):
    assert cleaned("pid", raw) == VALID_ID


def test_national_id_rejects_a_wrong_check_digit():
    assert rejected("pid", WRONG_ID) == "“เลขประจำตัวประชาชน” ไม่ถูกต้อง (เลขตรวจสอบหลักสุดท้ายไม่ตรง)"


@pytest.mark.parametrize("raw", [VALID_ID[:12], VALID_ID + "1", "1-1017-00230-70-X", 3.5])
def test_national_id_rejects_wrong_lengths_and_letters(raw):
    assert rejected("pid", raw) == "“เลขประจำตัวประชาชน” ต้องเป็นเลขประจำตัวประชาชน 13 หลัก"


def test_national_id_errors_are_english_with_lang_en():
    assert "National ID number" in rejected("pid", WRONG_ID, lang="en")


@given(st.integers(1, 8), st.text(alphabet="0123456789", min_size=11, max_size=11), st.data())
def test_any_checksummed_id_is_accepted_with_any_separators(first, rest, data):
    number = with_check_digit(f"{first}{rest}")
    separator = data.draw(st.sampled_from(["", "-", " "]))
    typed = separator.join([number[:1], number[1:5], number[5:10], number[10:12], number[12:]])
    assert cleaned("pid", typed) == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert "เลขประจำตัวประชาชน" in rejected("pid", wrong)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("081-234-5678", "0812345678"),
        ("0 4451 1237", "044511237"),
        ("+66 81 234 5678", "0812345678"),
        ("๐๘๑๒๓๔๕๖๗๘", "0812345678"),
    ],
)
def test_phone_is_normalised_to_digits(raw, expected):
    assert cleaned("phone", raw) == expected


@pytest.mark.parametrize("raw", ["812345678", "08123456789", "0812", "081-ABC-5678"])
def test_phone_rejects_wrong_numbers(raw):
    assert "เบอร์โทรศัพท์" in rejected("phone", raw)


@pytest.mark.parametrize("raw", ["36", "3601", "360101", "36010101", "๕๒๐๑"])
def test_orgunit_accepts_codes_of_each_level(raw):
    assert cleaned("area", raw) == raw.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))


@pytest.mark.parametrize("raw", ["3", "360", "3601010101", "36a1", 36])
def test_orgunit_rejects_other_lengths(raw):
    assert rejected("area", raw) == "“หมู่บ้าน” ต้องเป็นรหัสพื้นที่ 2, 4, 6 หรือ 8 หลัก"


def test_subject_is_a_positive_integer_id():
    assert cleaned("parent", "42") == 42
    assert cleaned("parent", 7) == 7
    for raw in ("0", -3, "1.5", "x", True):
        assert "กลุ่มแม่" in rejected("parent", raw)


# --- Whole records ---------------------------------------------------------------------------


def test_a_full_savings_group_record_is_complete_and_json_ready():
    result = validate_values(savings_groups(), GOOD_GROUP, require_all=True)
    assert result.errors == {}
    assert result.complete
    assert result.cleaned["savings_balance"] == "1250000.50"
    assert result.cleaned["members"] == 100
    json.dumps(result.cleaned)


def test_a_draft_may_leave_required_fields_empty_but_is_not_complete():
    result = validate_values(savings_groups(), {"group_name": "กลุ่ม ก", "members": ""})
    assert result.errors == {}
    assert not result.complete


def test_submitting_requires_every_required_field():
    result = validate_values(savings_groups(), {"group_name": "กลุ่ม ก"}, require_all=True)
    assert result.errors["members"] == ["กรุณากรอก “จำนวนสมาชิกทั้งหมด”"]
    assert "village" in result.errors
    assert "profit" not in result.errors  # optional


def test_required_messages_are_english_with_lang_en():
    result = validate_values(savings_groups(), {}, require_all=True, lang="en")
    assert result.errors["members"] == ["Members is required."]


def test_an_invalid_optional_field_makes_the_record_incomplete():
    result = validate_values(savings_groups(), {**GOOD_GROUP, "profit": "lots"})
    assert not result.complete
    assert "กำไรสุทธิ" in result.errors["profit"][0]


def test_unknown_keys_are_ignored():
    result = validate_values(savings_groups(), {**GOOD_GROUP, "csrf": "x"})
    assert "csrf" not in result.cleaned
    assert result.complete


# --- Cross-field rules --------------------------------------------------------------------------


def test_a_broken_rule_attaches_its_message_to_its_field():
    result = validate_values(savings_groups(), {**GOOD_GROUP, "members": "99"})
    assert result.errors["members"] == ["สมาชิกชายรวมกับสมาชิกหญิงต้องเท่ากับจำนวนสมาชิกทั้งหมด"]
    assert not result.complete


def test_loans_may_not_exceed_savings_plus_welfare():
    too_much = {**GOOD_GROUP, "loans_outstanding": "1,250,000.51", "welfare_fund": "0"}
    assert "loans_outstanding" in validate_values(savings_groups(), too_much).errors
    with_welfare = {**too_much, "welfare_fund": "0.01"}
    assert validate_values(savings_groups(), with_welfare).errors == {}


def test_rule_messages_are_english_with_lang_en():
    result = validate_values(savings_groups(), {**GOOD_GROUP, "members": "99"}, lang="en")
    assert result.errors["members"] == ["Male plus female members must equal all members."]


def test_a_rule_whose_fields_are_empty_is_skipped():
    partial = {"members_male": "40", "members": "99"}  # members_female not entered yet
    assert validate_values(savings_groups(), partial).errors == {}


def test_a_rule_over_an_invalid_field_is_skipped():
    result = validate_values(savings_groups(), {**GOOD_GROUP, "members_female": "many"})
    assert list(result.errors) == ["members_female"]


def test_only_for_fields_are_required_only_for_their_unit():
    leaders = {d.key: d for d in load_year(2562)}["leaders_orgs_networks"]
    group = {
        "record_type": "group",
        "org_name": "กลุ่มสตรีบ้านหนองบัว",
        "org_type": "women",
        "members": "25",
        "village": "36010101",
    }
    assert validate_values(leaders, group, require_all=True).complete
    person = {**group, "record_type": "ผู้นำชุมชน"}  # the Thai label also selects the unit
    errors = validate_values(leaders, person, require_all=True).errors
    assert {"first_name", "national_id", "positions"} <= set(errors)
    assert "org_name" not in errors


# --- The expression evaluator ---------------------------------------------------


def numbers(**values):
    return {key: Decimal(str(value)) for key, value in values.items()}


def test_evaluate_does_arithmetic_and_chained_comparisons():
    values = numbers(a=2, b=3, c=6)
    assert evaluate("a * b == c", values)
    assert evaluate("c / b - a == 0", values)
    assert evaluate("0 <= a < b <= c", values)
    assert not evaluate("a > b or not (c >= 6)", values)
    assert evaluate("-a + 5 == b and (a + b) * 2 > c", values)


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os').system('echo hacked')",
        "__import__",
        "abs(a) == 1",
        "a.real == 2",
        "a.__class__",
        "values[0]",
        "[a][0] == 2",
        "'a' == 'a'",
        "True",
        "a ** 1000000",
        "(lambda: 1)()",
        "a if b else c",
        "open('/etc/passwd')",
        "a == ",
    ],
)
def test_evaluate_refuses_everything_but_numbers_and_fields(expr):
    with pytest.raises(ExpressionError):
        evaluate(expr, numbers(a=2, b=3, c=6))


def test_evaluate_refuses_names_that_are_not_fields():
    with pytest.raises(ExpressionError, match="ไม่มีฟิลด์"):
        evaluate("a + d == 1", numbers(a=2))


def test_evaluate_tells_a_field_not_entered_from_an_unknown_name():
    with pytest.raises(FieldNotEntered):
        evaluate("a + b == 1", numbers(a=2), known=frozenset({"a", "b"}))


def test_evaluate_refuses_very_long_expressions():
    with pytest.raises(ExpressionError):
        evaluate(" + ".join(["a"] * 300) + " > 0", numbers(a=1))


def test_evaluate_stops_at_the_part_that_decides_as_before():
    """`or`, `and` and chained comparisons do not read what they do not need: an
    unknown name there is not reached (parsing refuses only wrong syntax)."""
    values = numbers(a=2)
    assert evaluate("a > 0 or zz > 1", values) is True
    assert evaluate("a < 0 and zz > 1", values) is False
    assert evaluate("5 < a < zz", values) is False
    with pytest.raises(ExpressionError, match="ไม่มีฟิลด์"):
        evaluate("a < 0 or zz > 1", values)


def test_an_expression_is_parsed_once_and_a_refused_one_every_time():
    from khomun.catalog import validation

    validation._compiled.cache_clear()
    for a in range(5):
        assert evaluate("a * 2 >= a + 1", numbers(a=a + 1))
    assert validation._compiled.cache_info().misses == 1
    for _ in range(2):
        with pytest.raises(ExpressionError):
            evaluate("a ** 2 > 1", numbers(a=2))
    assert validation._compiled.cache_info().currsize == 1


# --- The memo of an import --------------------------------------------------------

MEMO_ROWS = [
    {"name": "ก", "colour": "แดง", "colours": "แดง, น้ำเงิน", "area": "36010101"},
    {"name": "ข", "colour": "แดง", "colours": "แดง, น้ำเงิน", "area": "36010101"},
    {"name": "ค", "colour": "ม่วง", "colours": "ม่วง", "area": "3601x", "active": "ใช่"},
    {"name": "ง", "colour": "ม่วง", "colours": ["red"], "area": 36010101, "active": "ใช่"},
    {"name": "จ", "colour": " green ", "colours": "แดง, น้ำเงิน", "active": "เปล่า"},
]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_memo_gives_every_row_what_it_gives_without_it(lang):
    memo: dict = {}
    with_memo = [validate_values(ALL_TYPES, row, lang=lang, memo=memo) for row in MEMO_ROWS * 2]
    without = [validate_values(ALL_TYPES, row, lang=lang) for row in MEMO_ROWS * 2]

    assert with_memo == without
    assert ("colour", "ม่วง") in memo and ("name", "ก") not in memo  # options, not names
    first, second = with_memo[0].cleaned["colours"], with_memo[1].cleaned["colours"]
    assert first == second == ["red", "blue"] and first is not second  # a list each
