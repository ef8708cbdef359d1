"""Catalog use cases: load, carry forward, draft, publish, copy, export and import."""

import copy
import datetime as dt
import io
import zipfile
from typing import Any

import pytest
import yaml

from khomun.catalog.choices import VersionStatus
from khomun.catalog.definition import load_year
from khomun.catalog.models import Dataset, DatasetVersion
from khomun.catalog.services import (
    CatalogError,
    copy_year,
    datasets_for,
    definition_data,
    export_year,
    files_from_upload,
    import_files,
    latest_version,
    load_catalog,
    publish_version,
    save_version,
    year_overview,
)
from khomun.records.models import Record
from khomun.records.services import save_record
from khomun.schedule.models import Period

pytestmark = pytest.mark.django_db


def shipped(year: int, key: str) -> dict[str, Any]:
    return next(definition_data(d) for d in load_year(year) if d.key == key)


def savings_groups(year: int = 2562) -> Dataset:
    return Dataset.objects.get(fiscal_year=year, key="savings_groups")


def with_label(data: dict[str, Any], key: str, label: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    next(f for f in data["fields"] if f["key"] == key)["label_th"] = label
    return data


# --- Loading ------------------------------------------------------------------


def test_it_loads_the_eleven_databases_of_2562_published(no_catalog, orgtree):
    result = load_catalog(2562)
    assert (result.created, result.updated, result.unchanged) == (11, 0, 0)
    datasets = datasets_for(2562)
    assert len(datasets) == 11
    assert all(d.current and d.current.status == VersionStatus.PUBLISHED for d in datasets)
    assert savings_groups().name_th == "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต"
    assert savings_groups().periods.count() == 4


def test_loading_again_stores_nothing_new(catalog_2562):
    versions, periods = DatasetVersion.objects.count(), Period.objects.count()
    result = load_catalog(2562)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 11)
    assert DatasetVersion.objects.count() == versions
    assert Period.objects.count() == periods


def test_a_year_without_files_is_refused_in_thai(orgtree):
    with pytest.raises(CatalogError, match="ไม่มีโฟลเดอร์"):
        load_catalog(2599)
    assert not Dataset.objects.filter(fiscal_year=2599).exists()


def test_carrying_forward_puts_the_periods_on_the_new_years_calendar(catalog_2562):
    result = load_catalog(2570, from_year=2562)
    assert result.created == 11
    dataset = savings_groups(2570)
    assert dataset.current.parsed.fiscal_year == 2570
    assert [p.due for p in dataset.periods.all()] == [
        dt.date(2026, 12, 20),
        dt.date(2027, 3, 20),
        dt.date(2027, 6, 20),
        dt.date(2027, 9, 20),
    ]
    assert load_catalog(2570, from_year=2562).unchanged == 11


def test_carrying_forward_reads_the_files_when_the_source_year_is_not_loaded(no_catalog, orgtree):
    load_catalog(2570, from_year=2562)
    assert len(datasets_for(2570)) == 11
    assert not Dataset.objects.filter(fiscal_year=2562).exists()


def test_a_changed_field_in_a_new_year_leaves_earlier_records_on_their_version(lampang_data):
    record = Record.objects.get(pk=lampang_data["lampang_record"])
    entered_under = record.dataset_version
    load_catalog(2570, from_year=2562)
    changed = with_label(savings_groups(2570).current.definition, "members", "สมาชิกรวม")
    save_version(2570, changed)
    record.refresh_from_db()
    assert record.dataset_version == entered_under
    assert record.dataset_version.parsed.get_field("members").label_th == "จำนวนสมาชิกทั้งหมด"
    assert savings_groups(2570).current.parsed.get_field("members").label_th == "สมาชิกรวม"


def test_a_change_in_the_same_year_is_a_new_version_and_old_records_keep_theirs(lampang_data):
    record = Record.objects.get(pk=lampang_data["lampang_record"])
    changed = with_label(savings_groups().current.definition, "members", "สมาชิกรวม")
    version, created = save_version(2562, changed)
    assert created and version.number == 2
    record.refresh_from_db()
    assert record.dataset_version.number == 1
    assert record.dataset_version.status == VersionStatus.RETIRED
    assert record.dataset_version.parsed.get_field("members").label_th == "จำนวนสมาชิกทั้งหมด"


# --- Drafts and publishing --------------------------------------------------------


def test_a_draft_does_not_change_the_published_version(catalog_2562):
    changed = with_label(savings_groups().current.definition, "members", "สมาชิกรวม")
    draft, created = save_version(2562, changed, publish=False)
    assert created and draft.status == VersionStatus.DRAFT and draft.number == 2
    assert savings_groups().current.number == 1
    assert latest_version(savings_groups()) == draft


def test_saving_an_unchanged_draft_stores_nothing(catalog_2562):
    changed = with_label(savings_groups().current.definition, "members", "สมาชิกรวม")
    draft, _ = save_version(2562, changed, publish=False)
    again, created = save_version(2562, changed, publish=False)
    assert again == draft and not created
    assert savings_groups().versions.count() == 2


def test_an_invalid_definition_is_refused_naming_the_place(catalog_2562):
    broken = copy.deepcopy(savings_groups().current.definition)
    broken["fields"][3]["type"] = "number"
    with pytest.raises(CatalogError, match=r"fields\[3\]\.type: ค่า 'number' ไม่อยู่ในค่าที่ใช้ได้"):
        save_version(2562, broken, publish=False)
    assert savings_groups().versions.count() == 1


def test_publishing_regenerates_the_periods(catalog_2562):
    data = copy.deepcopy(savings_groups().current.definition)
    data["periods"] = {"rule": "twice_yearly", "due": ["03-20", "09-20"], "lock_days": 30}
    draft, _ = save_version(2562, data, publish=False)
    assert savings_groups().periods.count() == 4  # a draft changes nothing yet
    publish_version(draft)
    dataset = savings_groups()
    assert dataset.current == draft
    assert [p.due for p in dataset.periods.all()] == [dt.date(2019, 3, 20), dt.date(2019, 9, 20)]
    assert dataset.versions.get(number=1).status == VersionStatus.RETIRED


def test_publishing_refuses_to_drop_a_period_that_has_records(lampang_data, lampang_recorder):
    record = Record.objects.get(pk=lampang_data["lampang_record"])
    second = savings_groups().periods.get(number=2)
    save_record(
        lampang_recorder, second, dict(record.values), subject=record.subject,
        today=dt.date(2019, 3, 1),
    )  # fmt: skip
    data = copy.deepcopy(savings_groups().current.definition)
    data["periods"] = {"rule": "yearly", "due": ["09-20"]}
    draft, _ = save_version(2562, data, publish=False)
    with pytest.raises(CatalogError, match="งวดที่ 2 มีข้อมูลบันทึกแล้ว"):
        publish_version(draft)
    dataset = savings_groups()
    assert dataset.current.number == 1
    assert dataset.periods.count() == 4
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_loading_publishes_a_draft_that_equals_the_file(orgtree):
    draft, _ = save_version(2562, shipped(2562, "savings_groups"), publish=False)
    load_catalog(2562)
    assert savings_groups().current == draft
    assert savings_groups().versions.count() == 1


# --- Copying a year ---------------------------------------------------------------


def test_copying_a_year_makes_unpublished_drafts_of_the_new_year(catalog_2562):
    assert copy_year(2562, 2563) == 11
    datasets = year_overview(2563)
    assert len(datasets) == 11
    assert all(d.current is None and d.latest_number == 1 for d in datasets)
    assert latest_version(savings_groups(2563)).definition["fiscal_year"] == 2563
    assert not Period.objects.filter(dataset__fiscal_year=2563).exists()
    assert datasets_for(2563) == []


def test_copying_again_leaves_existing_drafts_alone(catalog_2562):
    copy_year(2562, 2563)
    assert copy_year(2562, 2563) == 0
    assert DatasetVersion.objects.filter(dataset__fiscal_year=2563).count() == 11


def test_copying_a_year_that_is_not_loaded_reads_its_files(orgtree):
    assert copy_year(2561, 2564) == 11
    assert Dataset.objects.filter(fiscal_year=2564, key="community_leaders").exists()


def test_copying_from_an_empty_year_or_onto_itself_is_refused(catalog_2562):
    with pytest.raises(CatalogError, match="ปีงบประมาณ 2590 ยังไม่มีฐานข้อมูลที่ประกาศใช้"):
        copy_year(2590, 2591)
    with pytest.raises(CatalogError, match="ต้องไม่ใช่ปีเดียวกัน"):
        copy_year(2562, 2562)
    assert not Dataset.objects.filter(fiscal_year=2591).exists()


# --- Export and import ---------------------------------------------------------------


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_export_writes_one_yaml_file_per_dataset_as_in_the_repository(catalog_2562):
    files = unzip(export_year(2562))
    assert len(files) == 11
    assert "2562/savings_groups.yaml" in files
    exported = yaml.safe_load(files["2562/savings_groups.yaml"])
    assert definition_data_of(exported) == shipped(2562, "savings_groups")


def definition_data_of(data: dict[str, Any]) -> dict[str, Any]:
    from khomun.catalog.definition import parse_definition

    return definition_data(parse_definition(data, "export"))


def test_export_then_import_into_a_new_year_gives_the_same_definitions(catalog_2562):
    files = unzip(export_year(2562))
    assert import_files(2563, files) == 11
    for dataset in Dataset.objects.filter(fiscal_year=2563):
        draft = latest_version(dataset)
        assert draft.status == VersionStatus.DRAFT
        original = Dataset.objects.get(fiscal_year=2562, key=dataset.key).current.definition
        assert draft.definition == {**original, "fiscal_year": 2563}


def test_importing_an_unchanged_export_stores_nothing(catalog_2562):
    versions = DatasetVersion.objects.count()
    import_files(2562, unzip(export_year(2562)))
    assert DatasetVersion.objects.count() == versions


def test_an_import_with_one_bad_file_stores_nothing_and_names_the_file(catalog_2562):
    files = unzip(export_year(2562))
    bad = yaml.safe_load(files["2562/savings_groups.yaml"])
    bad["fields"][0]["type"] = "words"
    files["2562/savings_groups.yaml"] = yaml.safe_dump(bad, allow_unicode=True).encode()
    with pytest.raises(CatalogError, match=r"^savings_groups\.yaml: fields\[0\]\.type"):
        import_files(2563, files)
    assert not Dataset.objects.filter(fiscal_year=2563).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.yaml", b"key: [unclosed", r"^x\.yaml: อ่าน YAML ไม่ได้ บรรทัดที่ 1"),
        ("x.yaml", b"- just a list", r"^x\.yaml: ไฟล์ต้องเป็นนิยามฐานข้อมูลหนึ่งชุด"),
        ("x.yaml", "ข้อความ".encode("tis-620"), r"^x\.yaml: ไฟล์ต้องเป็นข้อความ UTF-8"),
    ],
)
def test_an_unreadable_file_is_refused_in_thai(orgtree, name, content, message):
    with pytest.raises(CatalogError, match=message):
        import_files(2563, {name: content})
    assert not Dataset.objects.filter(fiscal_year=2563).exists()


def test_a_file_must_be_named_after_its_key(no_catalog, orgtree):
    content = yaml.safe_dump(shipped(2562, "savings_groups"), allow_unicode=True).encode()
    with pytest.raises(CatalogError, match=r"^groups\.yaml: key: ต้องตรงกับชื่อไฟล์"):
        import_files(2563, {"groups.yaml": content})
    assert not Dataset.objects.exists()


def test_an_upload_is_a_zip_of_yaml_files_or_one_yaml_file(catalog_2562):
    assert len(files_from_upload("catalog.zip", export_year(2562))) == 11
    assert files_from_upload("one.yaml", b"key: x") == {"one.yaml": b"key: x"}
    with pytest.raises(CatalogError, match=r"^bad\.zip: ไม่ใช่ไฟล์ zip"):
        files_from_upload("bad.zip", b"not a zip")
    with pytest.raises(CatalogError, match="ไม่มีไฟล์ให้นำเข้า"):
        import_files(2563, {})
