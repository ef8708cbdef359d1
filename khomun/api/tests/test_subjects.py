from django.test import Client

from khomun.orgunits.models import OrgUnit
from khomun.records.models import Change, Subject

NEW_GROUP = {"kind": "savings_group", "orgunit": "52010102", "name": "กลุ่มออมทรัพย์บ้านทุ่งฝาย"}
LEADER = {"kind": "community_actor", "orgunit": "520101", "name": "นายสมชาย ใจดี"}
VALID_ID = "3520100123457"
JSON = "application/json"


def names(response):
    return [item["name"] for item in response.json()["items"]]


def test_it_lists_the_subjects_in_scope(lampang_recorder, api_client, lampang_data):
    response = api_client(lampang_recorder).get("/api/v1/subjects")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == lampang_data["lampang_subject"]
    assert item["name"] == "กลุ่มออมทรัพย์บ้านเวียงเหนือ"
    assert item["kind"] == "savings_group" and item["orgunit"] == "52010101"
    assert {"national_id", "attributes", "active_from", "dissolved_on"} <= set(item)


def test_the_province_and_the_executive_see_it_the_outsider_does_not(
    lampang_admin, executive, chaiyaphum_recorder, api_client, lampang_data
):
    assert api_client(lampang_admin).get("/api/v1/subjects").json()["count"] == 1
    assert api_client(executive).get("/api/v1/subjects").json()["count"] == 1
    outsider = api_client(chaiyaphum_recorder)
    assert outsider.get("/api/v1/subjects").json() == {"items": [], "count": 0}
    assert outsider.get("/api/v1/subjects?q=เวียงเหนือ").json()["count"] == 0
    assert outsider.get("/api/v1/subjects?orgunit=5201").status_code == 404


def test_it_filters_by_kind_org_unit_and_thai_words(lampang_recorder, api_client, lampang_data):
    client = api_client(lampang_recorder)
    assert client.get("/api/v1/subjects?kind=savings_group").json()["count"] == 1
    assert client.get("/api/v1/subjects?kind=otop_producer").json()["count"] == 0
    assert client.get("/api/v1/subjects?orgunit=520101").json()["count"] == 1
    assert client.get("/api/v1/subjects?orgunit=520102").json()["count"] == 0
    assert names(client.get("/api/v1/subjects?q=เวียงเหนือ")) == ["กลุ่มออมทรัพย์บ้านเวียงเหนือ"]
    assert client.get("/api/v1/subjects?q=ออมทรัพย์ เวียง").json()["count"] == 1
    assert client.get("/api/v1/subjects?q=ทุ่งฝาย").json()["count"] == 0
    assert client.get("/api/v1/subjects?orgunit=3601").status_code == 404


def test_it_registers_a_subject_in_a_new_village(lampang_recorder, api_client, catalog_2562):
    response = api_client(lampang_recorder).post("/api/v1/subjects", NEW_GROUP, content_type=JSON)
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == NEW_GROUP["name"] and body["orgunit"] == "52010102"
    subject = Subject.objects.get(pk=body["id"])
    assert subject.created_by == lampang_recorder
    assert Change.objects.filter(entity="subject", entity_id=subject.pk).exists()
    assert api_client(lampang_recorder).get("/api/v1/subjects?q=ทุ่งฝาย").json()["count"] == 1


def test_a_same_name_needs_confirming_and_names_the_existing_one(
    lampang_recorder, api_client, lampang_data
):
    client = api_client(lampang_recorder)
    same = {**NEW_GROUP, "orgunit": "52010101", "name": "กลุ่มออมทรัพย์บ้านเวียงเหนือ"}
    response = client.post("/api/v1/subjects", same, content_type=JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "name" and "เวียงเหนือ" in body["message"]
    assert body["existing"]["id"] == lampang_data["lampang_subject"]
    assert Subject.objects.count() == 1
    confirmed = client.post(
        "/api/v1/subjects", {**same, "confirm_duplicate": True}, content_type=JSON
    )
    assert confirmed.status_code == 201
    assert Subject.objects.count() == 2


def test_a_person_is_never_registered_twice(lampang_recorder, api_client, catalog_2562):
    client = api_client(lampang_recorder)
    person = {**LEADER, "national_id": VALID_ID}
    assert client.post("/api/v1/subjects", person, content_type=JSON).status_code == 201
    again = client.post(
        "/api/v1/subjects",
        {**person, "name": "นายสมชาย ใจงาม", "confirm_duplicate": True},
        content_type=JSON,
    )
    assert again.status_code == 409
    assert again.json()["field"] == "national_id"
    assert Subject.objects.filter(national_id=VALID_ID).count() == 1


def test_a_bad_national_id_is_refused_in_thai(lampang_recorder, api_client, catalog_2562):
    response = api_client(lampang_recorder).post(
        "/api/v1/subjects",
        {**LEADER, "national_id": "3520100123458"},
        content_type=JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "national_id"
    assert "เลขตรวจสอบ" in body["errors"]["national_id"][0]
    assert not Subject.objects.exists()


def test_bad_input_names_the_field(lampang_recorder, api_client, catalog_2562):
    client = api_client(lampang_recorder)
    unknown = client.post("/api/v1/subjects", {**NEW_GROUP, "kind": "spaceship"}, content_type=JSON)
    assert unknown.status_code == 400 and unknown.json()["field"] == "kind"
    blank = client.post("/api/v1/subjects", {**NEW_GROUP, "name": " "}, content_type=JSON)
    assert blank.status_code == 400 and blank.json()["errors"]["name"]
    missing = client.post("/api/v1/subjects", {"kind": "savings_group"}, content_type=JSON)
    assert missing.status_code == 400 and "orgunit" in missing.json()["errors"]
    district = client.post("/api/v1/subjects", {**NEW_GROUP, "orgunit": "5201"}, content_type=JSON)
    assert district.status_code == 201  # a district is a place for a subject too
    assert not OrgUnit.objects.filter(code="52010102").exists()  # failed calls made no village


def test_the_outsider_cannot_register_in_lampang(chaiyaphum_recorder, api_client, catalog_2562):
    client = api_client(chaiyaphum_recorder)
    for unit in ("52010102", "520101", "5201"):
        response = client.post(
            "/api/v1/subjects", {**NEW_GROUP, "orgunit": unit}, content_type=JSON
        )
        assert response.status_code == 404
    assert not Subject.objects.exists()
    assert not OrgUnit.objects.filter(code="52010102").exists()


def test_the_province_registers_the_executive_may_not(
    lampang_admin, executive, api_client, catalog_2562
):
    refused = api_client(executive).post("/api/v1/subjects", NEW_GROUP, content_type=JSON)
    assert refused.status_code == 403
    assert not Subject.objects.exists()
    assert not OrgUnit.objects.filter(code="52010102").exists()
    made = api_client(lampang_admin).post("/api/v1/subjects", NEW_GROUP, content_type=JSON)
    assert made.status_code == 201


def test_paging_slices_the_list(lampang_recorder, api_client, catalog_2562):
    client = api_client(lampang_recorder)
    for moo in range(1, 6):
        group = {**NEW_GROUP, "orgunit": f"520101{moo:02d}", "name": f"กลุ่มที่ {moo}"}
        client.post("/api/v1/subjects", group, content_type=JSON)
    first = client.get("/api/v1/subjects?limit=3").json()
    second = client.get("/api/v1/subjects?limit=3&offset=3").json()
    assert first["count"] == second["count"] == 5
    assert len(first["items"]) == 3 and len(second["items"]) == 2
    assert client.get("/api/v1/subjects?limit=0").json()["field"] == "limit"
    assert client.get("/api/v1/subjects?offset=-1").json()["field"] == "offset"


def test_listing_is_a_fixed_number_of_queries(
    lampang_recorder, api_client, catalog_2562, django_assert_max_num_queries
):
    client = api_client(lampang_recorder)
    for moo in range(1, 21):
        group = {**NEW_GROUP, "orgunit": f"520101{moo:02d}", "name": f"กลุ่มที่ {moo}"}
        client.post("/api/v1/subjects", group, content_type=JSON)
    client.get("/api/v1/subjects")
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/subjects?limit=1000").json()["count"] == 20


def test_the_schema_lists_the_subject_paths(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/subjects"])
    params = {p["name"] for p in paths["/api/v1/subjects"]["get"]["parameters"]}
    assert {"kind", "orgunit", "q", "limit", "offset"} <= params


def test_a_person_registered_elsewhere_is_not_revealed(
    lampang_recorder, chaiyaphum_recorder, api_client, catalog_2562
):
    elsewhere = {**LEADER, "orgunit": "360101", "national_id": VALID_ID}
    made = api_client(chaiyaphum_recorder).post("/api/v1/subjects", elsewhere, content_type=JSON)
    assert made.status_code == 201
    response = api_client(lampang_recorder).post(
        "/api/v1/subjects", {**LEADER, "national_id": VALID_ID}, content_type=JSON
    )
    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "national_id" and "existing" not in body
    assert "สมชาย" not in body["message"] and "ชัยภูมิ" not in body["message"]
    assert Subject.objects.filter(national_id=VALID_ID).count() == 1
