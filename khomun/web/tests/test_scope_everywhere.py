"""Every URL and API endpoint that exists is checked against the outsider.

Each app lists its routes in `khomun/<app>/tests/routes.py` (WEB_ROUTES by URL
name, API_ROUTES by path) with how the outsider would reach Lampang's data; a new
route that no list names fails `test_every_route_is_listed`, so scope can never be
forgotten. Paths may use {lampang_user}, {lampang_subject}, {lampang_record},
{lampang_period} and {lampang_dataset}.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import khomun

# route name -> (method, path as the outsider would call it for Lampang's data)
# The outsider is the recorder of district 3601 (Chaiyaphum).
WEB_ROUTES = {
    "home": None,  # shows only the caller's own scope (tested in test_home)
    "orgunit_detail": ("get", "/orgunits/5201/"),
    "set_language": None,  # affects only the caller
    "healthz": None,
    "login": None,
    "logout": None,
    "password_change": None,  # only the caller's own password
    "two_factor": None,  # only the caller's own device
    "user_list": ("get", "/accounts/users/"),
    "user_create": ("post", "/accounts/users/new/"),
    "user_import": ("post", "/accounts/users/import/"),
    "user_reset_password": ("post", "/accounts/users/{lampang_user}/reset-password/"),
    "audit_log": ("get", "/accounts/audit/"),
}
API_ROUTES = {
    "/api/v1/me": None,  # only the caller
    "/api/v1/orgunits": ("get", "/api/v1/orgunits?parent=5201"),
    "/api/v1/openapi.json": None,  # the schema, no data
    "/api/v1/docs": None,
}


Ways = tuple[str, str] | list[tuple[str, str]] | None


def _collect() -> tuple[dict[str, Ways], dict[str, Ways]]:
    web: dict[str, Ways] = dict(WEB_ROUTES)
    api: dict[str, Ways] = dict(API_ROUTES)
    for app in pkgutil.iter_modules(khomun.__path__):
        try:
            module = importlib.import_module(f"khomun.{app.name}.tests.routes")
        except ModuleNotFoundError:
            continue
        web.update(getattr(module, "WEB_ROUTES", {}))
        api.update(getattr(module, "API_ROUTES", {}))
    return web, api


ALL_WEB, ALL_API = _collect()


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api-v1"):
                continue
            names |= _names(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(entry.name)
    return names


def test_every_route_is_listed(db):
    assert _names(get_resolver()) == set(ALL_WEB)
    from khomun.api.urls import api

    paths = set(api.get_openapi_schema()["paths"]) | {"/api/v1/openapi.json", "/api/v1/docs"}
    assert paths == set(ALL_API)


def _calls(table):
    """(route, method, path) for every listed way in; a route may list several."""
    for route, ways in table.items():
        if ways is None:
            continue
        for method, path in ways if isinstance(ways, list) else [ways]:
            yield pytest.param(route, method, path, id=f"{method} {route}")


@pytest.mark.parametrize(("name", "method", "path"), list(_calls(ALL_WEB)))
def test_the_outsider_cannot_reach_lampang_pages(
    name, method, path, lampang_recorder, chaiyaphum_recorder, client_for, lampang_data
):
    path = path.format(lampang_user=lampang_recorder.pk, **lampang_data)
    before = _lampang_state(lampang_data)
    response = getattr(client_for(chaiyaphum_recorder), method)(path, data=LAMPANG_FORM)
    assert response.status_code in (403, 404), response.content[:300]
    lampang_recorder.refresh_from_db()
    assert not lampang_recorder.must_change_password
    assert _lampang_state(lampang_data) == before  # nothing changed


@pytest.mark.parametrize(("route", "method", "path"), list(_calls(ALL_API)))
def test_the_outsider_cannot_reach_lampang_through_the_api(
    route, method, path, lampang_recorder, chaiyaphum_recorder, api_client, lampang_data
):
    path = path.format(lampang_user=lampang_recorder.pk, **lampang_data)
    before = _lampang_state(lampang_data)
    client = api_client(chaiyaphum_recorder)
    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(
            path, data=LAMPANG_PAYLOAD, content_type="application/json"
        )
    assert response.status_code in (403, 404), response.content[:300]
    assert _lampang_state(lampang_data) == before  # nothing changed


# What an outsider would send when trying to write into Lampang (org unit 5201).
LAMPANG_PAYLOAD = {
    "dataset": "savings_groups",
    "fiscal_year": 2562,
    "period": 1,
    "orgunit": "5201",
    "kind": "savings_group",
    "name": "กลุ่มแปลกปลอม",
    "values": {"group_name": "x"},
    "comment": "x",
}
LAMPANG_FORM = {
    "orgunit": "5201",
    "group_name": "กลุ่มแปลกปลอม",
    "name": "กลุ่มแปลกปลอม",
    "comment": "x",
    "role": "district_recorder",
    "username": "intruder",
    "due": "2018-12-01",
}


def _lampang_state(data):
    from khomun.records.models import Change, Record, Subject

    return (
        Record.objects.filter(orgunit_path__startswith="TH/52/").count(),
        Subject.objects.filter(orgunit_path__startswith="TH/52/").count(),
        Change.objects.count(),
        list(
            Record.objects.filter(pk=data["lampang_record"]).values_list(
                "values", "state", "version"
            )
        ),
    )


def test_the_admin_shows_a_province_admin_only_its_province(
    lampang_admin, lampang_recorder, chaiyaphum_recorder, client_for
):
    client = client_for(lampang_admin)
    html = client.get("/admin/accounts/user/").content.decode()
    assert "muang.lampang" in html and "muang.chaiyaphum" not in html
    assert client.get(f"/admin/accounts/user/{chaiyaphum_recorder.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    from khomun.orgunits.models import OrgUnit

    inside = OrgUnit.objects.get(code="5201").pk
    outside = OrgUnit.objects.get(code="3601").pk
    assert (
        f"/admin/orgunits/orgunit/{inside}/change/"
        in client.get("/admin/orgunits/orgunit/?q=5201").content.decode()
    )
    assert (
        f"/admin/orgunits/orgunit/{outside}/change/"
        not in client.get("/admin/orgunits/orgunit/?q=3601").content.decode()
    )


def test_the_admin_is_closed_to_recorders(lampang_recorder, client_for):
    response = client_for(lampang_recorder).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
