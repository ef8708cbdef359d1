"""The department's catalog editor: years, copy, edit with preview, publish, export, import."""

import copy
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from khomun.catalog.choices import VersionStatus
from khomun.catalog.forms import DatasetEditor
from khomun.catalog.models import Dataset, DatasetVersion
from khomun.catalog.services import export_year, latest_version, save_version

pytestmark = pytest.mark.django_db

EDIT = "/catalog/2562/savings_groups/"


def savings_groups(year: int = 2562) -> Dataset:
    return Dataset.objects.get(fiscal_year=year, key="savings_groups")


def as_posted(editor: DatasetEditor) -> dict[str, Any]:
    """What the browser sends for the editor as rendered (every input with its value)."""
    data: dict[str, Any] = {}
    forms = [editor.dataset, editor.periods, *editor.fields.forms, *editor.rules.forms]
    for form in [*forms, editor.fields.management_form, editor.rules.management_form]:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if bound.widget_type == "checkbox":
                if value:
                    data[bound.html_name] = "on"
            elif value in (None, "") and bound.widget_type == "select":
                choices = getattr(bound.field, "choices", [("", "")])
                data[bound.html_name] = str(choices[0][0])  # what a browser sends
            elif isinstance(value, list):
                data[bound.html_name] = value
            else:
                data[bound.html_name] = "" if value is None else str(value)
    return data


def editor_post(year: int = 2562, key: str = "savings_groups") -> dict[str, Any]:
    version = latest_version(Dataset.objects.get(fiscal_year=year, key=key))
    assert version is not None
    definition = version.definition
    data = as_posted(DatasetEditor(initial=definition, key=key))
    data["dataset_key"] = key
    return data


def field_index(data: dict[str, Any], key: str) -> int:
    return next(int(k.split("-")[1]) for k, v in data.items() if k.endswith("-key") and v == key)


def new_field(data: dict[str, Any], **values: str) -> dict[str, Any]:
    """Fill the blank form at the end of the fields formset."""
    index = int(data["fields-TOTAL_FORMS"]) - 1
    return {**data, **{f"fields-{index}-{name}": value for name, value in values.items()}}


# --- Who may use it -------------------------------------------------------------------

ROUTES = [
    ("get", "/catalog/"),
    ("post", "/catalog/copy/"),
    ("get", "/catalog/2562/"),
    ("get", "/catalog/2562/export/"),
    ("get", "/catalog/2562/import/"),
    ("post", "/catalog/2562/import/"),
    ("get", "/catalog/2562/new/"),
    ("post", "/catalog/2562/preview/"),
    ("get", EDIT),
    ("post", EDIT),
    ("get", f"{EDIT}yaml/"),
    ("post", f"{EDIT}publish/"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("actor", ["lampang_admin", "lampang_recorder", "executive"])
def test_everyone_but_the_department_admin_gets_403(
    catalog_2562, client_for, request, actor, method, path
):
    client = client_for(request.getfixturevalue(actor))
    versions = DatasetVersion.objects.count()
    assert getattr(client, method)(path).status_code == 403
    assert DatasetVersion.objects.count() == versions


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get("/catalog/")["Location"].startswith("/accounts/login/")


# --- Years and copying -----------------------------------------------------------------


def test_it_lists_the_years_with_published_and_draft_versions(catalog_2562, dept_admin, client_for):
    changed = copy.deepcopy(savings_groups().current.definition)
    changed["name_th"] = "กลุ่มออมทรัพย์ (แก้ไข)"
    save_version(2562, changed, publish=False)
    html = client_for(dept_admin).get("/catalog/").content.decode()
    assert "ปีงบประมาณ 2562" in html
    assert "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต" in html
    assert "ร่างฉบับที่ 2" in html
    assert "2561" in html  # shipped, not loaded: offered as a source to copy


def test_copying_a_year_makes_drafts_and_opens_the_new_year(catalog_2562, dept_admin, client_for):
    client = client_for(dept_admin)
    response = client.post("/catalog/copy/", {"from_year": "2562", "to_year": "2563"})
    assert response["Location"] == "/catalog/2563/"
    assert Dataset.objects.filter(fiscal_year=2563, current__isnull=True).count() == 11
    html = client.get("/catalog/2563/").content.decode()
    assert html.count("ยังไม่ประกาศใช้") == 11
    assert "ประกาศใช้ฉบับที่ 1" in html  # the publish button of each draft


def test_copying_onto_the_same_year_is_refused_in_thai(catalog_2562, dept_admin, client_for):
    client = client_for(dept_admin)
    response = client.post("/catalog/copy/", {"from_year": "2562", "to_year": "2562"}, follow=True)
    assert "ต้นทางและปลายทางต้องไม่ใช่ปีเดียวกัน" in response.content.decode()


# --- The editor -----------------------------------------------------------------------


def test_the_editor_shows_the_fields_and_a_preview_of_the_form_and_periods(
    catalog_2562, dept_admin, client_for
):
    html = client_for(dept_admin).get(EDIT).content.decode()
    assert 'value="members_female"' in html
    assert 'data-field-key="members_female"' in html  # the preview
    assert "20 ธ.ค. 2561" in html and "20 ก.ย. 2562" in html
    assert 'hx-post="/catalog/2562/preview/"' in html


def test_saving_a_changed_label_makes_a_draft(catalog_2562, dept_admin, client_for):
    data = editor_post()
    data[f"fields-{field_index(data, 'members_female')}-label_th"] = "สมาชิกเพศหญิง"
    response = client_for(dept_admin).post(EDIT, data)
    assert response.status_code == 302
    draft = latest_version(savings_groups())
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert draft.parsed.get_field("members_female").label_th == "สมาชิกเพศหญิง"
    assert savings_groups().current.number == 1
    assert draft.created_by == dept_admin


def test_saving_without_a_change_stores_nothing(catalog_2562, dept_admin, client_for):
    response = client_for(dept_admin).post(EDIT, editor_post(), follow=True)
    assert "ไม่มีการเปลี่ยนแปลงจากฉบับที่ 1" in response.content.decode()
    assert savings_groups().versions.count() == 1


def test_the_round_trip_through_the_form_keeps_the_definition(catalog_2562, dept_admin):
    for dataset in Dataset.objects.filter(fiscal_year=2562):
        editor = DatasetEditor(editor_post(key=dataset.key), key=dataset.key)
        rebuilt = editor.to_data()
        assert rebuilt is not None, editor.form_errors
        original = dataset.current.parsed
        from khomun.catalog.definition import parse_definition

        assert parse_definition({**rebuilt, "fiscal_year": 2562}, "x") == original


def test_adding_a_field_puts_it_at_the_end(catalog_2562, dept_admin, client_for):
    data = new_field(
        editor_post(), key="savings_target", type="money", label_th="เป้าหมายการออม",
        label_en="Savings target", min="0",
    )  # fmt: skip
    assert client_for(dept_admin).post(EDIT, data).status_code == 302
    field = latest_version(savings_groups()).parsed.fields[-1]
    assert (field.key, field.type, field.label_th, field.min) == (
        "savings_target",
        "money",
        "เป้าหมายการออม",
        0,
    )


def test_a_choice_field_takes_its_choices_one_per_line(catalog_2562, dept_admin, client_for):
    data = new_field(
        editor_post(), key="bank", type="choice", label_th="ธนาคาร", label_en="Bank",
        required="on", choices="baac | ธ.ก.ส. | BAAC\ngsb | ออมสิน",
    )  # fmt: skip
    assert client_for(dept_admin).post(EDIT, data).status_code == 302
    field = latest_version(savings_groups()).parsed.get_field("bank")
    assert field.required
    assert [(c.value, c.label_th, c.label_en) for c in field.choices] == [
        ("baac", "ธ.ก.ส.", "BAAC"),
        ("gsb", "ออมสิน", "ออมสิน"),
    ]


def test_reordering_moves_a_field(catalog_2562, dept_admin, client_for):
    data = editor_post()
    data[f"fields-{field_index(data, 'health_level')}-ORDER"] = "0"
    assert client_for(dept_admin).post(EDIT, data).status_code == 302
    assert latest_version(savings_groups()).parsed.field_keys[0] == "health_level"


def test_removing_a_field_a_rule_uses_is_refused_naming_the_place(
    catalog_2562, dept_admin, client_for
):
    data = editor_post()
    data[f"fields-{field_index(data, 'committee_size')}-DELETE"] = "on"
    response = client_for(dept_admin).post(EDIT, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "rules[3].expr: ไม่มีฟิลด์ชื่อ &#x27;committee_size&#x27;" in html
    assert savings_groups().versions.count() == 1


def test_removing_a_field_with_its_rule_saves(catalog_2562, dept_admin, client_for):
    data = editor_post()
    data[f"fields-{field_index(data, 'committee_size')}-DELETE"] = "on"
    data["rules-3-DELETE"] = "on"
    assert client_for(dept_admin).post(EDIT, data).status_code == 302
    draft = latest_version(savings_groups()).parsed
    assert "committee_size" not in draft.field_keys
    assert len(draft.rules) == 3


def test_an_invalid_field_shows_a_thai_error_on_that_field(catalog_2562, dept_admin, client_for):
    data = new_field(editor_post(), key="kind", type="choice", label_th="ประเภท", label_en="Kind")
    html = client_for(dept_admin).post(EDIT, data).content.decode()
    assert "ฟิลด์ชนิด choice ต้องมี choices" in html
    assert "fields[15].choices" in html  # the place, as the definition names it
    assert savings_groups().versions.count() == 1


def test_a_bad_form_value_is_shown_with_the_field_label(catalog_2562, dept_admin, client_for):
    data = editor_post()
    data[f"fields-{field_index(data, 'members')}-key"] = "Members Total"
    data["periods-grace_days"] = "-1"
    html = client_for(dept_admin).post(EDIT, data).content.decode()
    assert "ฟิลด์ที่ 6 จำนวนสมาชิกทั้งหมด › รหัสฟิลด์ (key): ใช้ได้เฉพาะอักษรอังกฤษตัวเล็ก" in html
    assert "งวด › ผ่อนผันหลังวันครบกำหนด (วัน): ค่านี้ต้องมากกว่าหรือเท่ากับ 0" in html
    assert savings_groups().versions.count() == 1


def test_changing_the_period_rule_and_notes(catalog_2562, dept_admin, client_for):
    data = editor_post()
    data.update(
        {
            "periods-rule": "twice_yearly",
            "periods-due": "03-20, 09-20",
            "periods-notes_th": "1: ครึ่งปีแรก\n2: ครึ่งปีหลัง",
            "periods-grace_days": "5",
        }
    )
    assert client_for(dept_admin).post(EDIT, data).status_code == 302
    periods = latest_version(savings_groups()).parsed.periods
    assert (periods.rule, periods.due, periods.grace_days) == (
        "twice_yearly",
        ("03-20", "09-20"),
        5,
    )
    assert dict(periods.notes_th) == {1: "ครึ่งปีแรก", 2: "ครึ่งปีหลัง"}


def test_a_wrong_number_of_due_dates_is_refused_on_the_period_form(
    catalog_2562, dept_admin, client_for
):
    data = {**editor_post(), "periods-due": "12-20, 03-20"}
    html = client_for(dept_admin).post(EDIT, data).content.decode()
    assert "periods.due" in html and "ต้องมีวันครบกำหนด 4 วัน" in html


def test_the_add_field_button_gives_one_more_blank_form(catalog_2562, dept_admin, client_for):
    data = {**editor_post(), "add_fields": "1"}
    html = client_for(dept_admin).post(EDIT, data).content.decode()
    total = int(data["fields-TOTAL_FORMS"])
    assert f'name="fields-TOTAL_FORMS" value="{total + 1}"' in html
    assert f'name="fields-{total}-key"' in html
    assert savings_groups().versions.count() == 1


# --- The preview ----------------------------------------------------------------------------


def test_the_preview_renders_the_posted_fields_with_thai_labels_types_and_choices(
    catalog_2562, dept_admin, client_for
):
    data = editor_post()
    data[f"fields-{field_index(data, 'members_female')}-label_th"] = "สมาชิกเพศหญิง"
    response = client_for(dept_admin).post("/catalog/2562/preview/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for htmx
    assert "สมาชิกเพศหญิง" in html
    assert "จำนวนเงิน (บาท)" in html  # the type of savings_balance
    assert "ระดับ 3 ดี" in html  # a choice of health_level
    assert html.count('class="req"') == 7  # the required fields are marked
    assert "20 มี.ค. 2562" in html
    assert savings_groups().versions.count() == 1  # a preview stores nothing


def test_the_preview_follows_a_new_period_rule(catalog_2562, dept_admin, client_for):
    data = {**editor_post(), "periods-rule": "monthly", "periods-day": "10"}
    html = client_for(dept_admin).post("/catalog/2562/preview/", data).content.decode()
    assert "งวดที่ 12 (ก.ย. 2562)" in html and "10 ต.ค. 2562" in html


def test_the_preview_shows_the_error_of_an_invalid_definition(catalog_2562, dept_admin, client_for):
    data = {**editor_post(), "periods-due": "12-20"}
    html = client_for(dept_admin).post("/catalog/2562/preview/", data).content.decode()
    assert "periods.due" in html
    assert 'data-field-key="members"' in html  # the fields still show


def test_the_preview_reads_yaml_too(catalog_2562, dept_admin, client_for):
    text = yaml.safe_dump(savings_groups().current.definition, allow_unicode=True)
    html = client_for(dept_admin).post("/catalog/2562/preview/", {"yaml": text}).content.decode()
    assert "จำนวนสมาชิกทั้งหมด" in html
    broken = client_for(dept_admin).post("/catalog/2562/preview/", {"yaml": "a: [b"})
    assert "อ่าน YAML ไม่ได้ บรรทัดที่ 1" in broken.content.decode()


# --- YAML, new datasets ------------------------------------------------------------------


def test_the_yaml_editor_saves_a_draft(catalog_2562, dept_admin, client_for):
    client = client_for(dept_admin)
    assert "key: savings_groups" in client.get(f"{EDIT}yaml/").content.decode()
    data = copy.deepcopy(savings_groups().current.definition)
    data["name_en"] = "Savings groups"
    text = yaml.safe_dump(data, allow_unicode=True)
    assert client.post(f"{EDIT}yaml/", {"yaml": text}).status_code == 302
    assert latest_version(savings_groups()).definition["name_en"] == "Savings groups"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": "groups"}, "key: ต้องเป็น savings_groups"),
        ({"unit": "household"}, "unit: ค่า &#x27;household&#x27; ไม่อยู่ในค่าที่ใช้ได้"),
    ],
)
def test_the_yaml_editor_refuses_in_thai(catalog_2562, dept_admin, client_for, change, message):
    data = {**savings_groups().current.definition, **change}
    response = client_for(dept_admin).post(f"{EDIT}yaml/", {"yaml": yaml.safe_dump(data)})
    assert message in response.content.decode()
    assert savings_groups().versions.count() == 1


def test_a_new_dataset_is_created_as_a_draft(catalog_2562, dept_admin, client_for):
    data = as_posted(
        DatasetEditor(initial={"periods": {"rule": "yearly", "due": ["09"]}}, new=True)
    )
    data.update(
        {
            "ds-key": "village_library",
            "ds-order": "12",
            "ds-name_th": "ข้อมูลห้องสมุดหมู่บ้าน",
            "ds-name_en": "Village libraries",
            "ds-owner": "strengthening_bureau",
            "ds-owner_th": "สำนักเสริมสร้างความเข้มแข็งชุมชน",
            "ds-unit": "place",
            "ds-levels": ["district"],
            "ds-working_group": "promotion",
            "periods-lock_days": "30",
            "periods-grace_days": "0",
            "fields-0-key": "books",
            "fields-0-type": "integer",
            "fields-0-label_th": "จำนวนหนังสือ",
            "fields-0-label_en": "Books",
        }
    )
    response = client_for(dept_admin).post("/catalog/2562/new/", data)
    assert response["Location"] == "/catalog/2562/village_library/"
    dataset = Dataset.objects.get(fiscal_year=2562, key="village_library")
    assert dataset.current is None and dataset.name_th == "ข้อมูลห้องสมุดหมู่บ้าน"
    again = client_for(dept_admin).post("/catalog/2562/new/", data).content.decode()
    assert "มีฐานข้อมูลรหัสนี้ในปีงบประมาณนี้แล้ว" in again


# --- Publishing ---------------------------------------------------------------------------


def test_publishing_a_draft_regenerates_the_periods(catalog_2562, dept_admin, client_for):
    data = {**editor_post(), "periods-rule": "twice_yearly", "periods-due": "03-20, 09-20"}
    client = client_for(dept_admin)
    client.post(EDIT, data)
    response = client.post(f"{EDIT}publish/", follow=True)
    assert "ประกาศใช้ ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต ฉบับที่ 2 แล้ว" in response.content.decode()
    dataset = savings_groups()
    assert dataset.current.number == 2
    assert [p.due for p in dataset.periods.all()] == [dt.date(2019, 3, 20), dt.date(2019, 9, 20)]


def test_publishing_refuses_to_drop_a_period_that_has_records(
    lampang_data, lampang_recorder, dept_admin, client_for
):
    from khomun.records.models import Record
    from khomun.records.services import save_record

    first = Record.objects.get(pk=lampang_data["lampang_record"])
    third = savings_groups().periods.get(number=3)
    save_record(
        lampang_recorder, third, dict(first.values), subject=first.subject,
        today=dt.date(2019, 6, 1),
    )  # fmt: skip
    client = client_for(dept_admin)
    client.post(EDIT, {**editor_post(), "periods-rule": "twice_yearly", "periods-due": "03, 09"})
    html = client.post(f"{EDIT}publish/", follow=True).content.decode()
    assert "งวดที่ 3 มีข้อมูลบันทึกแล้ว จึงลดจำนวนงวดไม่ได้" in html
    assert savings_groups().current.number == 1
    assert savings_groups().periods.count() == 4


def test_publishing_with_no_draft_says_so(catalog_2562, dept_admin, client_for):
    html = client_for(dept_admin).post(f"{EDIT}publish/", follow=True).content.decode()
    assert "ไม่มีฉบับร่างที่รอประกาศใช้" in html


def test_an_unknown_dataset_or_year_is_not_found(catalog_2562, dept_admin, client_for):
    client = client_for(dept_admin)
    assert client.get("/catalog/2562/no_such_thing/").status_code == 404
    assert client.get("/catalog/1999/").status_code == 404


# --- Export and import -----------------------------------------------------------------------


def test_export_downloads_a_zip_of_the_years_files(catalog_2562, dept_admin, client_for):
    response = client_for(dept_admin).get("/catalog/2562/export/")
    assert response["Content-Type"] == "application/zip"
    assert 'filename="khomun-catalog-2562.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert len(archive.namelist()) == 11


def test_exporting_an_empty_year_says_so(catalog_2562, dept_admin, client_for):
    html = client_for(dept_admin).get("/catalog/2590/export/", follow=True).content.decode()
    assert "ปีงบประมาณ 2590 ยังไม่มีฐานข้อมูลที่ประกาศใช้" in html


def test_importing_the_export_into_a_new_year_makes_drafts(catalog_2562, dept_admin, client_for):
    upload = SimpleUploadedFile("catalog.zip", export_year(2562), "application/zip")
    response = client_for(dept_admin).post("/catalog/2563/import/", {"upload": upload})
    assert response["Location"] == "/catalog/2563/"
    assert Dataset.objects.filter(fiscal_year=2563, current__isnull=True).count() == 11


def test_importing_several_yaml_files_at_once(catalog_2562, dept_admin, client_for):
    with zipfile.ZipFile(io.BytesIO(export_year(2562))) as archive:
        uploads = [
            SimpleUploadedFile(f"{key}.yaml", archive.read(f"2562/{key}.yaml"))
            for key in ("savings_groups", "poverty_fund")
        ]
    response = client_for(dept_admin).post("/catalog/2563/import/", {"upload": uploads})
    assert response.status_code == 302
    assert Dataset.objects.filter(fiscal_year=2563).count() == 2


def test_an_import_with_a_bad_file_names_it_and_stores_nothing(
    catalog_2562, dept_admin, client_for
):
    good = yaml.safe_dump(savings_groups().current.definition, allow_unicode=True).encode()
    uploads = [
        SimpleUploadedFile("savings_groups.yaml", good),
        SimpleUploadedFile("poverty_fund.yaml", b"key: poverty_fund\norder: one\n"),
    ]
    response = client_for(dept_admin).post("/catalog/2563/import/", {"upload": uploads})
    html = response.content.decode()
    assert response.status_code == 200
    assert "poverty_fund.yaml:" in html
    assert not Dataset.objects.filter(fiscal_year=2563).exists()
