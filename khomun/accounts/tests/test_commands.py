import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from khomun.accounts.models import RoleAssignment, User


def test_adduser_creates_an_account_from_the_environment(orgtree, monkeypatch, capsys):
    monkeypatch.setenv("KHOMUN_PASSWORD", "Lampang-strong-pass-1")
    call_command("adduser", "ops.lampang", "--role", "province_recorder", "--orgunit", "52")
    user = User.objects.get(username="ops.lampang")
    assert user.check_password("Lampang-strong-pass-1")
    assert RoleAssignment.objects.get(user=user).role == "province_recorder"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "district_recorder", "--orgunit", "99"], "ไม่พบหน่วยงานรหัส"),
        (["--role", "district_recorder", "--orgunit", "52"], "ใช้กับหน่วยระดับจังหวัดไม่ได้"),
    ],
)
def test_adduser_explains_bad_arguments_in_thai(orgtree, monkeypatch, args, message):
    monkeypatch.setenv("KHOMUN_PASSWORD", "Lampang-strong-pass-1")
    with pytest.raises(CommandError, match=message):
        call_command("adduser", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_adduser_refuses_an_unknown_role(orgtree, monkeypatch):
    monkeypatch.setenv("KHOMUN_PASSWORD", "Lampang-strong-pass-1")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("adduser", "someone", "--role", "boss", "--orgunit", "52")


def test_adduser_refuses_a_weak_password(orgtree, monkeypatch):
    monkeypatch.setenv("KHOMUN_PASSWORD", "123")
    with pytest.raises(CommandError, match="password"):
        call_command("adduser", "someone", "--role", "executive", "--orgunit", "TH")


def test_token_prints_a_working_api_token(lampang_recorder, capsys):
    call_command("token", "muang.lampang")
    token = capsys.readouterr().out.strip()
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["username"] == "muang.lampang"


def test_token_refuses_an_unknown_user(orgtree):
    with pytest.raises(CommandError, match="ไม่พบผู้ใช้"):
        call_command("token", "ghost")
