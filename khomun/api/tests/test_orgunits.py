import pytest


def codes(response):
    return [item["code"] for item in response.json()["items"]]


def test_it_lists_the_districts_of_a_province(lampang_admin, api_client):
    response = api_client(lampang_admin).get("/api/v1/orgunits?parent=52&level=district")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 13
    assert body["items"][0] == {
        "code": "5201",
        "name_th": "เมืองลำปาง",
        "name_en": "Mueang Lampang",
        "level": "district",
        "parent": "52",
    }


def test_the_department_lists_every_province(dept_admin, api_client):
    response = api_client(dept_admin).get("/api/v1/orgunits?level=province")
    assert response.json()["count"] == 77


def test_a_district_sees_its_subtree_and_the_way_up(lampang_recorder, api_client):
    client = api_client(lampang_recorder)
    assert set(codes(client.get("/api/v1/orgunits?level=province"))) == {"52"}
    assert codes(client.get("/api/v1/orgunits?level=district")) == ["5201"]
    subdistricts = codes(client.get("/api/v1/orgunits?parent=5201"))
    assert subdistricts and all(c.startswith("5201") for c in subdistricts)


def test_a_district_cannot_list_another_district(lampang_recorder, api_client):
    client = api_client(lampang_recorder)
    response = client.get("/api/v1/orgunits?parent=3601")
    assert response.status_code == 404
    assert response.json()["message"]
    assert client.get("/api/v1/orgunits?parent=5202").status_code == 404
    # the province is on the way up, but its other districts stay hidden
    assert codes(client.get("/api/v1/orgunits?parent=52")) == ["5201"]


def test_a_bad_level_names_the_field(lampang_admin, api_client):
    response = api_client(lampang_admin).get("/api/v1/orgunits?level=planet")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "level"
    assert "level" in body["errors"] and body["message"]


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "offset=-1"])
def test_bad_paging_names_the_field(lampang_admin, api_client, query):
    response = api_client(lampang_admin).get(f"/api/v1/orgunits?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == query.split("=")[0]


def test_paging_slices_the_list(dept_admin, api_client):
    client = api_client(dept_admin)
    first = codes(client.get("/api/v1/orgunits?level=province&limit=5"))
    second = codes(client.get("/api/v1/orgunits?level=province&limit=5&offset=5"))
    assert len(first) == 5 and len(second) == 5 and not set(first) & set(second)


def test_listing_is_a_fixed_number_of_queries(
    dept_admin, api_client, django_assert_max_num_queries
):
    client = api_client(dept_admin)
    client.get("/api/v1/orgunits?level=district&limit=10")
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/orgunits?level=district&limit=1000")
    assert response.json()["count"] == 878
