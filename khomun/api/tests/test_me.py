from django.test import Client


def test_it_returns_the_user_roles_and_scope(lampang_recorder, api_client):
    response = api_client(lampang_recorder).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "muang.lampang"
    assert body["roles"] == [
        {
            "role": "district_recorder",
            "orgunit": {
                "code": "5201",
                "name_th": "เมืองลำปาง",
                "name_en": "Mueang Lampang",
                "level": "district",
                "parent": "52",
            },
        }
    ]
    assert body["scope"] == ["5201"]


def test_it_needs_a_token(orgtree):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["message"]


def test_a_wrong_or_revoked_token_is_refused(lampang_recorder):
    from django.utils import timezone

    from khomun.accounts.models import ApiToken
    from khomun.accounts.services import issue_token

    assert Client(headers={"Authorization": "Bearer nope"}).get("/api/v1/me").status_code == 401
    key = issue_token(lampang_recorder)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/me").status_code == 401


def test_a_deactivated_account_loses_api_access(lampang_recorder, api_client):
    client = api_client(lampang_recorder)
    lampang_recorder.is_active = False
    lampang_recorder.save()
    assert client.get("/api/v1/me").status_code == 401
