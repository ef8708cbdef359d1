import datetime as dt

import time_machine
from django.test import Client

FIELD_KEYS = {
    "key", "type", "label_th", "label_en", "required", "choices", "min", "max",
    "max_length", "decimals", "help_th", "help_en", "unit_th", "unit_en", "mask",
    "identity", "only_for", "subject_kind",
}  # fmt: skip


def test_it_lists_the_eleven_datasets_of_2562(lampang_recorder, api_client, catalog_2562):
    response = api_client(lampang_recorder).get("/api/v1/datasets?fiscal_year=2562")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 11
    keys = [item["key"] for item in body["items"]]
    assert keys[:2] == ["volunteer_anniversary", "development_standard"]
    assert keys[5] == "savings_groups" and keys[-1] == "mother_land_fund"
    savings = body["items"][5]
    assert savings["name_th"] == "ข้อมูลกลุ่มออมทรัพย์เพื่อการผลิต"
    assert savings["fiscal_year"] == 2562 and savings["levels"] == ["district"]
    assert savings["subject_kind"] == "savings_group" and savings["unit"] == "group"
    assert body["items"][0]["subject_kind"] is None  # recorded per province, no subject


def test_it_defaults_to_the_current_fiscal_year(lampang_recorder, api_client, catalog_2562):
    client = api_client(lampang_recorder)
    with time_machine.travel(dt.datetime(2019, 3, 1, 12, 0), tick=False):
        assert client.get("/api/v1/datasets").json()["count"] == 11
    with time_machine.travel(dt.datetime(2019, 10, 1, 12, 0), tick=False):
        assert client.get("/api/v1/datasets").json()["count"] == 0  # FY2563 not loaded


def test_a_year_without_a_catalog_is_an_empty_list(lampang_recorder, api_client, catalog_2562):
    body = api_client(lampang_recorder).get("/api/v1/datasets?fiscal_year=2599").json()
    assert body == {"items": [], "count": 0}


def test_a_dataset_lists_its_fields_in_the_contract_shape(
    lampang_recorder, api_client, catalog_2562
):
    response = api_client(lampang_recorder).get("/api/v1/datasets/savings_groups?fiscal_year=2562")
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == "savings_groups" and body["period_rule"] == "quarterly"
    fields = {f["key"]: f for f in body["fields"]}
    assert all(set(f) == FIELD_KEYS for f in body["fields"])
    assert fields["members_male"] == {
        "key": "members_male",
        "type": "integer",
        "label_th": "สมาชิกชาย",
        "label_en": "Male members",
        "required": True,
        "choices": [],
        "min": 0,
        "max": 100000,
        "max_length": None,
        "decimals": None,
        "help_th": "",
        "help_en": "",
        "unit_th": "คน",
        "unit_en": "persons",
        "mask": None,
        "identity": False,
        "only_for": [],
        "subject_kind": None,
    }
    assert fields["health_level"]["choices"][0] == {
        "value": "1",
        "label_th": "ระดับ 1 ต้องปรับปรุง",
        "label_en": "Level 1 needs improvement",
    }
    assert fields["group_name"]["identity"] is True
    assert fields["savings_balance"]["type"] == "money" and fields["savings_balance"]["max"] is None
    assert body["subject"]["kind"] == "savings_group"
    assert body["rules"][0]["expr"] == "members_male + members_female == members"
    assert body["rules"][0]["fields"] == ["members"]


def test_a_dataset_says_which_fields_count_only_for_some_units(
    lampang_recorder, api_client, catalog_2562
):
    client = api_client(lampang_recorder)
    body = client.get("/api/v1/datasets/development_standard?fiscal_year=2562").json()
    assert body["unit_field"] == "applicant_type"
    national_id = next(f for f in body["fields"] if f["key"] == "national_id")
    assert national_id["only_for"] == ["person"] and national_id["mask"] == "national_id"


def test_an_unknown_dataset_or_year_is_not_found(lampang_recorder, api_client, catalog_2562):
    client = api_client(lampang_recorder)
    response = client.get("/api/v1/datasets/nope?fiscal_year=2562")
    assert response.status_code == 404
    assert response.json()["message"]
    assert client.get("/api/v1/datasets/savings_groups?fiscal_year=2561").status_code == 404


def test_a_bad_year_names_the_field(lampang_recorder, api_client, catalog_2562):
    response = api_client(lampang_recorder).get("/api/v1/datasets?fiscal_year=next")
    assert response.status_code == 400
    assert response.json()["field"] == "fiscal_year"


def test_every_role_reads_the_same_catalog(
    executive, chaiyaphum_recorder, lampang_recorder, api_client, catalog_2562
):
    bodies = [
        api_client(user).get("/api/v1/datasets/otop_sales?fiscal_year=2562").json()
        for user in (executive, chaiyaphum_recorder, lampang_recorder)
    ]
    assert bodies[0] == bodies[1] == bodies[2]


def test_the_catalog_needs_a_token(catalog_2562):
    assert Client().get("/api/v1/datasets?fiscal_year=2562").status_code == 401


def test_listing_is_a_fixed_number_of_queries(
    lampang_recorder, api_client, catalog_2562, django_assert_max_num_queries
):
    client = api_client(lampang_recorder)
    client.get("/api/v1/datasets?fiscal_year=2562")
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/datasets?fiscal_year=2562").json()["count"] == 11


def test_the_schema_lists_the_catalog_paths(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/datasets", "/api/v1/datasets/{key}", "/api/v1/periods"} <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/v1/periods"]["get"]["parameters"]}
    assert {"dataset", "fiscal_year", "orgunit"} <= params
    field = schema["components"]["schemas"]["FieldOut"]["properties"]
    assert {"key", "type", "label_th", "label_en", "required", "choices", "min", "max"} <= set(
        field
    )
