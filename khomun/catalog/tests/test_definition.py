"""The shipped dataset definitions match the seed letters, and bad files fail in Thai."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from khomun.catalog.definition import (
    DEFINITIONS_ROOT,
    SCHEMA_PATH,
    DefinitionError,
    dump_definition,
    load_definition,
    load_year,
    parse_definition,
)

SHIPPED = sorted(DEFINITIONS_ROOT.glob("*/*.yaml"))

# The tables at the end of seed 000 (Chaiyaphum, FY2562) and seed 001 (Lampang, FY2561).
KEYS_2562 = [
    "volunteer_anniversary",
    "development_standard",
    "leaders_orgs_networks",
    "volunteer_evaluation",
    "sufficiency_village",
    "savings_groups",
    "poverty_fund",
    "fund_management",
    "fund_networks",
    "otop_sales",
    "mother_land_fund",
]
KEYS_2561 = [
    "volunteer_anniversary",
    "development_standard",
    "community_leaders",
    "volunteer_evaluation",
    "orgs_networks",
    "savings_groups",
    "poverty_fund",
    "fund_management",
    "fund_networks",
    "otop_sales",
    "mother_land_fund",
]
BOTH = ("district", "province")
LEVELS_2562 = {
    "volunteer_anniversary": ("province",),
    "leaders_orgs_networks": BOTH,
    "otop_sales": BOTH,
}
PERIODS_2562 = {
    "volunteer_anniversary": ("yearly", ("02",)),
    "development_standard": ("twice_yearly", ("03", "09")),
    "leaders_orgs_networks": ("yearly", ("09",)),
    "volunteer_evaluation": ("yearly", ("09",)),
    "sufficiency_village": ("twice_yearly", ("03", "09")),
    "savings_groups": ("quarterly", ("12-20", "03-20", "06-20", "09-20")),
    "poverty_fund": ("twice_yearly", ("03-20", "09-20")),
    "fund_management": ("twice_yearly", ("04", "07")),
    "fund_networks": ("yearly", ("09",)),
    "otop_sales": ("monthly", ()),
    "mother_land_fund": ("yearly", ("04",)),
}


def by_key(year):
    return {d.key: d for d in load_year(year)}


def savings_data():
    """The shipped savings_groups file as a dict to break in tests."""
    return yaml.safe_load((DEFINITIONS_ROOT / "2562" / "savings_groups.yaml").read_text())


def error_for(data, name="savings_groups.yaml"):
    with pytest.raises(DefinitionError) as info:
        parse_definition(data, name)
    return str(info.value)


def assert_thai(message):
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in message), message


# --- The shipped files ---------------------------------------------------------


def test_the_schema_is_valid_draft_2020_12():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_describes_every_field_key():
    field_schema = json.loads(SCHEMA_PATH.read_text())["$defs"]["field"]
    assert all("description" in spec for spec in field_schema["properties"].values())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_file_loads(path):
    defn = load_definition(path)
    assert defn.key == path.stem
    assert defn.fiscal_year == int(path.parent.name)


def test_2562_has_the_eleven_chaiyaphum_datasets_in_table_order():
    assert [d.key for d in load_year(2562)] == KEYS_2562
    assert [d.order for d in load_year(2562)] == list(range(1, 12))


def test_2561_has_the_eleven_lampang_datasets_in_table_order():
    assert [d.key for d in load_year(2561)] == KEYS_2561
    assert [d.order for d in load_year(2561)] == list(range(1, 12))


def test_2562_levels_match_the_chaiyaphum_table():
    for key, defn in by_key(2562).items():
        assert defn.levels == LEVELS_2562.get(key, ("district",)), key


def test_every_2561_dataset_is_recorded_by_district_and_province():
    assert all(d.levels == BOTH for d in load_year(2561))


def test_2562_periods_match_the_chaiyaphum_table():
    for key, defn in by_key(2562).items():
        assert (defn.periods.rule, defn.periods.due) == PERIODS_2562[key], key


def test_savings_groups_are_due_on_the_20th_of_each_quarter():
    for year in (2561, 2562):
        periods = by_key(year)["savings_groups"].periods
        assert periods.due == ("12-20", "03-20", "06-20", "09-20")
        assert periods.count == 4


def test_poverty_fund_is_due_20_march_and_20_september_in_both_years():
    for year in (2561, 2562):
        assert by_key(year)["poverty_fund"].periods.due == ("03-20", "09-20")


def test_fund_management_has_two_periods_in_2562_and_one_in_2561():
    assert by_key(2562)["fund_management"].periods.due == ("04", "07")
    assert by_key(2561)["fund_management"].periods.due == ("09",)
    assert by_key(2561)["fund_management"].periods.count == 1


def test_otop_sales_are_due_monthly_on_the_10th():
    periods = by_key(2562)["otop_sales"].periods
    assert (periods.rule, periods.day, periods.count) == ("monthly", 10, 12)


def test_development_standard_notes_say_what_each_period_records():
    notes = by_key(2562)["development_standard"].periods.notes_th
    assert notes == {1: "บันทึกผู้สมัครภายในไตรมาส ๒", 2: "บันทึกผู้ผ่านการรับรองภายในไตรมาส ๔"}
    assert set(by_key(2561)["development_standard"].periods.notes_th) == {1, 2}


def test_mother_land_fund_belongs_to_the_information_working_group():
    for year in (2561, 2562):
        defn = by_key(year)["mother_land_fund"]
        assert (defn.working_group, defn.owner) == ("information", "planning_division")


def test_volunteer_anniversary_is_an_aggregate_of_activities():
    defn = by_key(2562)["volunteer_anniversary"]
    assert defn.subject is None
    assert defn.unit == "activity"


def test_databases_kept_in_both_years_have_the_same_fields():
    old, new = by_key(2561), by_key(2562)
    for key in set(old) & set(new):
        assert old[key].fields == new[key].fields, key
        assert old[key].rules == new[key].rules, key


def test_2561_leaders_use_the_2562_leader_fields():
    leaders = by_key(2561)["community_leaders"]
    combined = by_key(2562)["leaders_orgs_networks"]
    for field in leaders.fields:
        shared = combined.get_field(field.key)
        assert (field.type, field.label_th, field.choices) == (
            shared.type,
            shared.label_th,
            shared.choices,
        )


def test_poverty_fund_capital_defaults_to_280000_baht():
    assert by_key(2562)["poverty_fund"].get_field("capital").default == 280000


def test_otop_products_have_the_five_official_types():
    field = by_key(2562)["otop_sales"].get_field("product_category")
    assert [c.label_th for c in field.choices] == [
        "อาหาร",
        "เครื่องดื่ม",
        "ผ้าและเครื่องแต่งกาย",
        "ของใช้ ของตกแต่ง ของที่ระลึก",
        "สมุนไพรที่ไม่ใช่อาหาร",
    ]


def test_sufficiency_levels_are_the_three_official_ones():
    field = by_key(2562)["sufficiency_village"].get_field("result_level")
    assert [c.label_th for c in field.choices] == ["พออยู่ พอกิน", "อยู่ดี กินดี", "มั่งมี ศรีสุข"]


# --- Export round trip -----------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_dump_then_load_gives_an_equal_definition(path, tmp_path):
    defn = load_definition(path)
    exported = tmp_path / path.name
    exported.write_text(dump_definition(defn), encoding="utf-8")
    assert load_definition(exported) == defn


def test_dump_writes_thai_as_text_not_escapes():
    text = dump_definition(load_year(2562)[5])
    assert "กลุ่มออมทรัพย์เพื่อการผลิต" in text
    assert "\\u" not in text


# --- Bad definitions ----------------------------------------------------------------


def test_it_rejects_an_unknown_field_type():
    data = savings_data()
    data["fields"][3]["type"] = "float"
    message = error_for(data)
    assert message.startswith("savings_groups.yaml: fields[3].type: ")
    assert "float" in message
    assert_thai(message)


def test_it_rejects_a_duplicate_field_key():
    data = savings_data()
    data["fields"][4]["key"] = data["fields"][3]["key"]
    message = error_for(data)
    assert message.startswith("savings_groups.yaml: fields[4].key: ")
    assert "ซ้ำ" in message


def test_it_rejects_a_rule_using_an_unknown_field():
    data = savings_data()
    data["rules"][0]["expr"] = "members_male + members_other == members"
    message = error_for(data)
    assert message.startswith("savings_groups.yaml: rules[0].expr: ")
    assert "members_other" in message
    assert_thai(message)


def test_it_rejects_a_rule_on_a_text_field():
    data = savings_data()
    data["rules"][0]["expr"] = "group_name == 1"
    assert error_for(data).startswith("savings_groups.yaml: rules[0].expr: ")


def test_it_rejects_a_rule_attached_to_an_unknown_field():
    data = savings_data()
    data["rules"][0]["fields"] = ["nobody"]
    assert error_for(data).startswith("savings_groups.yaml: rules[0].fields[0]: ")


@pytest.mark.parametrize(
    "expr",
    [
        "abs(members) == members",
        "__import__('os').system('true') == 0",
        "members.real == 1",
        "members[0] == 1",
        "members == 'many'",
        "(lambda: 1)() == 1",
        "members ** 2 > 1",
        "members ==",
    ],
)
def test_it_rejects_a_rule_with_calls_attributes_or_strings(expr):
    data = savings_data()
    data["rules"][0]["expr"] = expr
    message = error_for(data)
    assert message.startswith("savings_groups.yaml: rules[0].expr: ")
    assert_thai(message)


def test_it_rejects_a_choice_without_choices():
    data = savings_data()
    index = next(i for i, f in enumerate(data["fields"]) if f["key"] == "health_level")
    del data["fields"][index]["choices"]
    message = error_for(data)
    assert message.startswith(f"savings_groups.yaml: fields[{index}].choices: ")
    assert "choices" in message


def test_it_rejects_choices_on_a_number_field():
    data = savings_data()
    data["fields"][3]["choices"] = [{"value": "1", "label_th": "หนึ่ง", "label_en": "One"}]
    assert error_for(data).startswith("savings_groups.yaml: fields[3].choices: ")


def test_it_rejects_min_above_max():
    data = savings_data()
    data["fields"][3].update(min=10, max=5)
    message = error_for(data)
    assert message.startswith("savings_groups.yaml: fields[3].min: ")
    assert_thai(message)


def test_it_rejects_max_length_on_a_number():
    data = savings_data()
    data["fields"][3]["max_length"] = 5
    assert error_for(data).startswith("savings_groups.yaml: fields[3].max_length: ")


def test_it_rejects_a_missing_required_key():
    data = savings_data()
    del data["fields"][2]["label_th"]
    message = error_for(data)
    assert message.startswith("savings_groups.yaml: fields[2]: ")
    assert "label_th" in message
    assert_thai(message)


def test_it_rejects_an_unknown_key():
    data = savings_data()
    data["colour"] = "blue"
    message = error_for(data)
    assert "colour" in message
    assert_thai(message)


def test_it_rejects_an_unknown_owner():
    data = savings_data()
    data["owner"] = "finance_bureau"
    assert error_for(data).startswith("savings_groups.yaml: owner: ")


def test_it_rejects_a_wrong_number_of_due_dates():
    data = savings_data()
    data["periods"]["due"] = ["12-20", "03-20", "06-20"]
    message = error_for(data)
    assert message.startswith("savings_groups.yaml: periods.due: ")
    assert "4" in message


def test_it_rejects_due_dates_out_of_fiscal_order():
    data = savings_data()
    data["periods"]["due"] = ["03-20", "12-20", "06-20", "09-20"]
    assert error_for(data).startswith("savings_groups.yaml: periods.due[1]: ")


def test_it_rejects_a_day_that_does_not_exist():
    data = savings_data()
    data["periods"]["due"] = ["12-20", "02-30", "06-20", "09-20"]
    assert error_for(data).startswith("savings_groups.yaml: periods.due[1]: ")


def test_it_rejects_a_monthly_rule_without_a_day():
    data = savings_data()
    data["periods"] = {"rule": "monthly"}
    assert error_for(data).startswith("savings_groups.yaml: periods.day: ")


def test_it_rejects_a_day_on_a_quarterly_rule():
    data = savings_data()
    data["periods"]["day"] = 10
    assert error_for(data).startswith("savings_groups.yaml: periods.day: ")


def test_it_rejects_a_note_for_a_period_that_does_not_exist():
    data = savings_data()
    data["periods"]["notes_th"] = {5: "งวดที่ห้า"}
    assert error_for(data).startswith("savings_groups.yaml: periods.notes_th: ")


def test_it_rejects_a_default_of_the_wrong_type():
    data = savings_data()
    data["fields"][3]["default"] = "many"
    assert error_for(data).startswith("savings_groups.yaml: fields[3].default: ")


def test_it_rejects_a_subject_without_an_identity_field():
    data = savings_data()
    data["fields"][0]["identity"] = False
    assert error_for(data).startswith("savings_groups.yaml: fields: ")


def test_it_rejects_only_for_without_a_unit_field():
    data = savings_data()
    data["fields"][3]["only_for"] = ["person"]
    assert error_for(data).startswith("savings_groups.yaml: fields[3].only_for: ")


def test_it_rejects_a_file_named_differently_from_its_key(tmp_path):
    path = tmp_path / "savings.yaml"
    path.write_text(yaml.safe_dump(savings_data(), allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^savings\.yaml: key: "):
        load_definition(path)


def test_it_rejects_a_file_that_is_not_yaml(tmp_path):
    path = tmp_path / "savings_groups.yaml"
    path.write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^savings_groups\.yaml: "):
        load_definition(path)


def write_year(root, year, *datasets):
    folder = root / str(year)
    folder.mkdir(parents=True)
    for data in datasets:
        text = yaml.safe_dump(data, allow_unicode=True)
        (folder / f"{data['key']}.yaml").write_text(text, encoding="utf-8")
    return root


def test_load_year_rejects_a_file_of_another_fiscal_year(tmp_path):
    root = write_year(tmp_path, 2563, savings_data())
    with pytest.raises(DefinitionError, match=r"savings_groups\.yaml: fiscal_year: "):
        load_year(2563, root)


def test_load_year_rejects_two_datasets_with_the_same_order(tmp_path):
    other = copy.deepcopy(savings_data())
    other["key"] = "savings_groups_copy"
    root = write_year(tmp_path, 2562, savings_data(), other)
    with pytest.raises(DefinitionError, match="order: "):
        load_year(2562, root)


def test_load_year_sorts_by_order(tmp_path):
    first = savings_data()
    second = copy.deepcopy(first)
    second.update(key="a_later_dataset", order=12)
    root = write_year(tmp_path, 2562, second, first)
    assert [d.key for d in load_year(2562, root)] == ["savings_groups", "a_later_dataset"]


def test_load_year_of_a_missing_year_fails_in_thai(tmp_path):
    with pytest.raises(DefinitionError, match="ไม่มีโฟลเดอร์"):
        load_year(2599, Path(tmp_path))
