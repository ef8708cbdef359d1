"""The entry form built at run time from a dataset definition."""

import pytest
from django.http import QueryDict

from khomun.catalog.definition import DEFINITIONS_ROOT, load_definition
from khomun.catalog.validation import validate_values
from khomun.records.forms import RecordForm, describe_change, display_value, to_input


def definition(key, year=2562):
    return load_definition(DEFINITIONS_ROOT / str(year) / f"{key}.yaml")


@pytest.fixture
def savings():
    return definition("savings_groups")


@pytest.fixture
def leaders():
    return definition("leaders_orgs_networks")


def posted(**values):
    data = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def test_it_has_one_field_per_definition_field_with_thai_labels(savings):
    form = RecordForm(savings)
    assert [k for k in form.fields if k not in ("version", "confirm_duplicate")] == list(
        savings.field_keys
    )
    assert form.fields["members_female"].label == "สมาชิกหญิง"
    assert form.fields["loans_outstanding"].help_text.startswith("ยอดเงินกู้ที่สมาชิก")


def test_it_uses_english_labels_and_choices_for_english_users(savings):
    form = RecordForm(savings, lang="en")
    assert form.fields["members_female"].label == "Female members"
    assert "Level 3 good" in str(form["health_level"])


def test_it_never_validates_on_its_own(savings):
    """Validation is the services' job: the Django fields accept anything."""
    form = RecordForm(savings, data=posted(members="lots", health_level="9"))
    assert form.is_valid()


def test_money_national_id_and_phone_fields_carry_their_masks():
    evaluation = definition("volunteer_evaluation")
    form = RecordForm(evaluation)
    national_id = next(f.key for f in evaluation.fields if f.type == "national_id")
    phone = next(f.key for f in evaluation.fields if f.type == "phone")
    assert 'data-mask="national_id"' in str(form[national_id])
    assert 'placeholder="x-xxxx-xxxxx-xx-x"' in str(form[national_id])
    assert 'data-mask="phone"' in str(form[phone]) and 'inputmode="tel"' in str(form[phone])
    html = str(RecordForm(definition("savings_groups"))["savings_balance"])
    assert 'data-mask="money"' in html and 'inputmode="decimal"' in html


def test_dates_are_text_with_a_buddhist_era_placeholder(savings):
    html = str(RecordForm(savings)["founded_date"])
    assert 'type="text"' in html and "วว/ดด/ปปปป พ.ศ." in html


def test_choices_are_a_select_and_multichoices_are_checkboxes(leaders):
    form = RecordForm(leaders)
    assert "<select" in str(form["title"]) and "นางสาว" in str(form["title"])
    assert 'type="checkbox"' in str(form["positions"])
    assert "data-unit-field" in str(form["record_type"])


def test_text_fields_have_their_maximum_length(savings):
    assert 'maxlength="200"' in str(RecordForm(savings)["group_name"])


def test_stored_values_are_shown_the_way_they_are_typed(savings):
    form = RecordForm(
        savings,
        values={"founded_date": "2002-06-15", "savings_balance": "150000.00", "members": 100},
        version=3,
    )
    assert 'value="15/06/2545"' in str(form["founded_date"])
    assert 'value="150,000.00"' in str(form["savings_balance"])
    assert 'value="3"' in str(form["version"])


def test_what_was_typed_goes_to_the_services_unchanged(savings):
    form = RecordForm(savings, data=posted(members="1,000", founded_date="15/06/2545"))
    values = form.values()
    assert values["members"] == "1,000" and values["founded_date"] == "15/06/2545"
    result = validate_values(savings, values)
    assert result.cleaned["founded_date"] == "2002-06-15" and result.cleaned["members"] == 1000


def test_fields_for_another_unit_are_dropped(leaders):
    data = posted(record_type="group", first_name="สมชาย", group_name="กลุ่มแม่บ้าน")
    values = RecordForm(leaders, data=data).values()
    assert "first_name" not in values and "national_id" not in values
    data = posted(record_type="person", first_name="สมชาย", positions=["village_head"])
    values = RecordForm(leaders, data=data).values()
    assert values["first_name"] == "สมชาย" and values["positions"] == ["village_head"]


def test_entries_put_each_error_and_saved_value_next_to_its_field(savings):
    form = RecordForm(savings, data=posted(members="99"))
    entries = form.entries(
        {"members": ["จำนวนไม่ตรง"], "orgunit": ["หน่วยงานไม่ถูกต้อง"]}, saved={"members": 100}
    )
    members = next(e for e in entries if e.fdef.key == "members")
    assert members.errors == ["จำนวนไม่ตรง"] and members.saved == "100 คน" and members.unit == "คน"
    assert form.other_errors({"orgunit": ["หน่วยงานไม่ถูกต้อง"]}) == ["หน่วยงานไม่ถูกต้อง"]


def test_the_duplicate_confirmation_is_read_from_the_checkbox(savings):
    assert RecordForm(savings, data=posted(confirm_duplicate="on")).confirmed
    assert not RecordForm(savings, data=posted()).confirmed
    assert RecordForm(savings, data=posted(version="4")).posted_version() == 4
    assert RecordForm(savings, data=posted(version="x")).posted_version() is None


def test_values_are_displayed_in_thai(savings, leaders):
    assert display_value(savings.get_field("founded_date"), "2019-03-20") == "20 มีนาคม 2562"
    assert display_value(savings.get_field("health_level"), "3") == "ระดับ 3 ดี"
    assert display_value(savings.get_field("savings_balance"), "1234.5") == "1,234.50 บาท"
    assert display_value(savings.get_field("members"), 1200) == "1,200 คน"
    assert display_value(savings.get_field("members"), None) == "—"
    model = definition("sufficiency_village").get_field("model_village")
    assert display_value(model, True) == "ใช่" and display_value(model, False) == "ไม่ใช่"
    assert to_input(model, True) == "true"


def test_a_change_is_described_field_by_field(savings):
    changes = describe_change(
        savings, {"members": 100, "gone": "x"}, {"members": 120, "profit": "-1500.00"}
    )
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("จำนวนสมาชิกทั้งหมด", "100 คน", "120 คน"),
        ("กำไรสุทธิ", "—", "-1,500.00 บาท"),
        ("gone", "x", "—"),
    ]
    assert describe_change(savings, None, None) == []
