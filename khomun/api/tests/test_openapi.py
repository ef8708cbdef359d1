from django.test import Client


def test_the_schema_is_openapi_3_and_lists_the_contract(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/me", "/api/v1/orgunits"} <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/v1/orgunits"]["get"]["parameters"]}
    assert {"parent", "level"} <= params
    out = schema["components"]["schemas"]["OrgUnitOut"]["properties"]
    assert set(out) == {"code", "name_th", "name_en", "level", "parent"}
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
