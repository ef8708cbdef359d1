"""POST /api/v1/records/{id}/approve and /return: province scopes only."""

import pytest

from khomun.monitoring import approval
from khomun.monitoring.tests.conftest import AFTER_DUE, make_groups, record_group, savings_period
from khomun.orgunits.models import OrgUnit
from khomun.records.models import Change, Record

JSON = "application/json"


@pytest.fixture
def submitted(catalog_2562, lampang_recorder, make_user):
    head = make_user("head.muang", "district_head", "5201")
    (group,) = make_groups(lampang_recorder, "5201", 1)
    record = record_group(lampang_recorder, group)
    approval.submit_district(
        head, savings_period(), OrgUnit.objects.get(code="5201"), today=AFTER_DUE
    )
    record.refresh_from_db()
    return record


def state(record):
    return Record.objects.get(pk=record.pk).state


def test_the_province_admin_approves(submitted, lampang_admin, api_client):
    response = api_client(lampang_admin).post(
        f"/api/v1/records/{submitted.pk}/approve", content_type=JSON
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "approved" and body["version"] == submitted.version + 1
    assert Change.objects.filter(entity_id=submitted.pk, action="approve").exists()


def test_a_second_approval_is_a_409(submitted, lampang_admin, api_client):
    client = api_client(lampang_admin)
    client.post(f"/api/v1/records/{submitted.pk}/approve", content_type=JSON)
    again = client.post(f"/api/v1/records/{submitted.pk}/approve", content_type=JSON)
    assert again.status_code == 409 and "อนุมัติแล้ว" in again.json()["message"]


def test_a_stale_version_is_a_409(submitted, lampang_admin, api_client):
    response = api_client(lampang_admin).post(
        f"/api/v1/records/{submitted.pk}/approve",
        {"version": submitted.version - 1},
        content_type="application/json",
    )
    assert response.status_code == 409 and state(submitted) == "submitted"


def test_the_province_admin_returns_with_a_comment(submitted, lampang_admin, api_client):
    response = api_client(lampang_admin).post(
        f"/api/v1/records/{submitted.pk}/return",
        {"comment": "จำนวนสมาชิกไม่ตรงกับทะเบียน"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "returned" and body["return_comment"] == "จำนวนสมาชิกไม่ตรงกับทะเบียน"


@pytest.mark.parametrize("comment", [None, "  "])
def test_a_return_without_a_comment_is_a_400(submitted, lampang_admin, api_client, comment):
    payload = {} if comment is None else {"comment": comment}
    response = api_client(lampang_admin).post(
        f"/api/v1/records/{submitted.pk}/return", payload, content_type="application/json"
    )
    assert response.status_code == 400 and "comment" in response.json()["errors"]
    assert state(submitted) == "submitted"


@pytest.mark.parametrize("who", ["lampang_recorder", "executive"])
def test_district_users_and_executives_get_403(submitted, who, request, api_client):
    client = api_client(request.getfixturevalue(who))
    assert (
        client.post(f"/api/v1/records/{submitted.pk}/approve", content_type=JSON).status_code == 403
    )
    returned = client.post(
        f"/api/v1/records/{submitted.pk}/return", {"comment": "x"}, content_type="application/json"
    )
    assert returned.status_code == 403
    assert state(submitted) == "submitted"


def test_the_district_head_gets_403(submitted, api_client):
    from khomun.accounts.models import User

    head = User.objects.get(username="head.muang")
    assert (
        api_client(head)
        .post(f"/api/v1/records/{submitted.pk}/approve", content_type=JSON)
        .status_code
        == 403
    )


def test_outsiders_get_404(submitted, chaiyaphum_recorder, make_user, api_client):
    chaiyaphum_admin = make_user("chaiyaphum.admin", "province_admin", "36")
    for user in (chaiyaphum_recorder, chaiyaphum_admin):
        client = api_client(user)
        assert (
            client.post(f"/api/v1/records/{submitted.pk}/approve", content_type=JSON).status_code
            == 404
        )
        returned = client.post(
            f"/api/v1/records/{submitted.pk}/return",
            {"comment": "x"},
            content_type="application/json",
        )
        assert returned.status_code == 404
    assert state(submitted) == "submitted"


def test_an_unknown_record_is_a_404(catalog_2562, lampang_admin, api_client):
    assert (
        api_client(lampang_admin)
        .post("/api/v1/records/999999/approve", content_type=JSON)
        .status_code
        == 404
    )
